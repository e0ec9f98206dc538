/* Unit tests for resolver/: folding and keys, a table of resolutions over
 * every tier (ambiguity, inactive users, qualifiers, diacritics, system
 * accounts, admin mappings), the CSV, SCIM and JSON importers, and their
 * persistence in store/users (replacement, mappings, device outcomes kept
 * current, unresolved usernames, reading other devices' exports). */
#include "resolver/resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "resolver/import.h"
#include "resolver/norm.h"
#include "store/store_int.h"
#include "store/users.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- folding and keys ------------------------------------------------- */

static const char *
fold(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_clear(&b);
	resolver_fold(s, strlen(s), &b);
	return b.data;
}

static const char *
canon(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_clear(&b);
	resolver_canon(s, strlen(s), &b);
	return b.data;
}

static void
test_fold(void)
{
	struct resolver_uname u;

	is_str(fold("José"), "jose", "José folds to jose");
	is_str(fold("Jose\xcc\x81"), "jose", "decomposed José (combining acute) folds too");
	is_str(fold("ÆRØSKØBING"), "aeroskobing", "Æ and Ø");
	is_str(fold("Straße"), "strasse", "ß → ss");
	is_str(fold("Łódź"), "lodz", "Ł, ó, ź (Latin Extended-A)");
	is_str(fold("Đorđe Šćepanović"), "dorde scepanovic", "Đ đ Š ć");
	is_str(fold("Œuvre Þór Ðað"), "oeuvre thor dad", "Œ Þ Ð");
	is_str(fold("İıĞğŞş"), "iiggss", "Turkish letters");
	is_str(fold("Nguyễn Thị Ánh"), "nguyen thi anh", "Vietnamese (Latin Extended Additional)");
	is_str(fold("ǅemal"), "dzemal", "titlecase digraph");
	is_str(fold("ＪＤＯＥ"), "jdoe", "fullwidth letters");
	is_str(fold("ИВАН"), "иван", "Cyrillic capitals lower-cased");
	is_str(fold("O’Brien"), "o'brien", "right single quotation mark is an apostrophe");
	is_str(fold("a\xff" "b"), "a\xef\xbf\xbd" "b", "invalid UTF-8 becomes U+FFFD");
	is_str(fold("\xe0\x80\xaf"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "overlong form refused");
	is_str(canon("  John  Doe "), "john.doe", "spaces are one separator, trimmed");
	is_str(canon("john_doe"), "john.doe", "underscore");
	is_str(canon("john-doe"), "john.doe", "hyphen");
	is_str(canon("..john..doe.."), "john.doe", "separator runs collapse");
	is_str(canon("O'Brien"), "obrien", "apostrophes dropped");
	is_str(canon("Smith-Jones"), "smith.jones", "double-barrelled name");
	ok(resolver_utf8_valid("José", 5), "valid UTF-8");
	ok(!resolver_utf8_valid("Jos\xe9", 4), "Latin-1 byte is not UTF-8");
	ok(!resolver_utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(resolver_email_valid("john.doe@acme.com"), "email valid");
	ok(!resolver_email_valid("john.doe"), "no @");
	ok(!resolver_email_valid("john@doe@acme.com"), "two @");
	ok(!resolver_email_valid("john doe@acme.com"), "space");
	ok(!resolver_email_valid("john@localhost"), "no dot in the domain");
	ok(!resolver_email_valid("@acme.com"), "no local part");

	resolver_uname_split(" ACME\\J.Doe ", &u);
	is_str(u.domain, "acme", "DOMAIN\\ split off, folded");
	is_str(u.bare, "j.doe", "bare name");
	is_str(u.full, "acme\\j.doe", "full key keeps the domain");
	resolver_uname_release(&u);
	resolver_uname_split("John_Doe@ACME.com", &u);
	is_str(u.host, "acme.com", "@host split off");
	is_str(u.local, "john_doe", "local part");
	is_str(u.bare, "john.doe", "bare name canonical");
	is_str(u.full, "john.doe@acme.com", "full key");
	resolver_uname_release(&u);
}

/* ---- the resolution table --------------------------------------------- */

static const char directory_csv[] =
	"email,first_name,last_name,display_name,username,sAMAccountName,unix_username,"
	"employeeNumber,status,secondary_emails\n"
	"alice.smith@acme.com,Alice,Smith,,,,,E1001,active,asmith@acme.com\n"
	"kim.lee@acme.com,Kim,Lee,,,,,,active,team@acme.com\n"
	"pat.ray@acme.com,Pat,Ray,,,,,,active,team@acme.com\n"
	"gone.user@acme.com,Gone,User,,,,,,suspended,\n"
	"robert.jones@acme.com,Robert,Jones,,,bob42,,,active,\n"
	"xavier.kent@acme.com,Xavier,Kent,,,,xk7,,active,\n"
	"dev1@acme.com,Dev,One,,dev,,,,active,\n"
	"dev2@acme.com,Dev,Two,,dev,,,,active,\n"
	"old.timer@acme.com,Old,Timer,,olduser,,,,DEPROVISIONED,\n"
	"sam@acme.com,Sam,Archer,,,,,,,\n"
	"sam@acme-labs.com,Samuel,Berg,,,,,,,\n"
	"leaver@acme.com,Lea,Ver,,,,,,inactive,\n"
	"carlos.diaz.ext@acme.com,Carlos,Díaz,,,,,,,\n"
	"jn@acme.com,José,Núñez,,,,,,,\n"
	"w.c.1@acme.com,Wei,Chen,,,,,,,\n"
	"w.c.2@acme.com,Wei,Chen,,,,,,,\n"
	"john.doe@acme.com,John,Doe,,,,,,,\n"
	"jane.doe@acme.com,Jane,Doe,,,,,,,\n"
	"j.smith@acme.com,John,Smith,,,,,,,\n"
	"peter.gone@acme.com,Peter,Gone,,,,,,suspended,\n"
	"mark.old@acme.com,Mark,Old,,,,,,suspended,\n"
	"mary.old@acme.com,Mary,Old,,,,,,,\n"
	"maryann.lee@acme.com,Mary Ann,Lee,,,,,,,\n"
	"s.obrien@acme.com,Sean,O'Brien,,,,,,,\n"
	"hg@acme.com,Hans,Groß,,,,,,,\n"
	"zw@acme.com,,,Zoë Walker,,,,,,\n"
	"admin.user@acme.com,Admin,User,,root,,,,,\n";

enum { S_OK = RESOLVER_RESOLVED, S_AMB = RESOLVER_AMBIGUOUS, S_INACT = RESOLVER_INACTIVE,
       S_NONE = RESOLVER_NO_MATCH, S_SYS = RESOLVER_SYSTEM, S_EMPTY = RESOLVER_EMPTY };
enum { T0 = RESOLVER_TIER_NONE, T1 = RESOLVER_TIER_EMAIL, T2 = RESOLVER_TIER_ATTRIBUTE,
       T3 = RESOLVER_TIER_LOCAL_PART, T4 = RESOLVER_TIER_NAME, T5 = RESOLVER_TIER_MAPPING };
enum { P0 = RESOLVER_PAT_NONE, PFL = RESOLVER_PAT_FIRST_DOT_LAST, PFN = RESOLVER_PAT_FIRSTLAST,
       PIL = RESOLVER_PAT_INITIAL_LAST, PF = RESOLVER_PAT_FIRST, PL = RESOLVER_PAT_LAST };

static const struct rcase {
	int mapped;		/* run with the admin mappings loaded */
	const char *username;
	int status, tier, pattern;
	const char *email;	/* resolved user, or the first candidate */
	int n_candidates;
	const char *why;
} cases[] = {
	/* Tier 1: exact email, primary or alias, any case. */
	{ 0, "alice.smith@acme.com", S_OK, T1, P0, "alice.smith@acme.com", 1, "primary address" },
	{ 0, "Alice.Smith@ACME.COM", S_OK, T1, P0, "alice.smith@acme.com", 1, "address in another case" },
	{ 0, "asmith@acme.com", S_OK, T1, P0, "alice.smith@acme.com", 1, "alias address" },
	{ 0, "ACME\\alice.smith@acme.com", S_OK, T1, P0, "alice.smith@acme.com", 1, "address behind DOMAIN\\" },
	{ 0, "team@acme.com", S_AMB, T1, P0, "kim.lee@acme.com", 2, "alias of two users: ambiguous" },
	{ 0, "gone.user@acme.com", S_INACT, T1, P0, "gone.user@acme.com", 1, "suspended user's address" },
	/* Tier 2: identity attributes (default names). */
	{ 0, "bob42", S_OK, T2, P0, "robert.jones@acme.com", 1, "sAMAccountName" },
	{ 0, "ACME\\bob42", S_OK, T2, P0, "robert.jones@acme.com", 1, "DOMAIN\\ stripped for attributes" },
	{ 0, "ACME\\BOB42", S_OK, T2, P0, "robert.jones@acme.com", 1, "attribute in another case" },
	{ 0, "bob42@corp.example", S_OK, T2, P0, "robert.jones@acme.com", 1, "@host stripped for attributes" },
	{ 0, "xk7", S_OK, T2, P0, "xavier.kent@acme.com", 1, "unix_username" },
	{ 0, "dev", S_AMB, T2, P0, "dev1@acme.com", 2, "two users with username dev" },
	{ 0, "olduser", S_INACT, T2, P0, "old.timer@acme.com", 1, "deprovisioned user's username" },
	{ 0, "E1001", S_NONE, T0, P0, NULL, 0, "employeeNumber is not an identity attribute by default" },
	/* Tier 3: email local part. */
	{ 0, "alice.smith", S_OK, T3, P0, "alice.smith@acme.com", 1, "local part" },
	{ 0, "alice_smith", S_OK, T3, P0, "alice.smith@acme.com", 1, "_ same as ." },
	{ 0, "Alice-Smith", S_OK, T3, P0, "alice.smith@acme.com", 1, "- same as ., any case" },
	{ 0, "asmith", S_OK, T3, P0, "alice.smith@acme.com", 1, "local part of an alias" },
	{ 0, "alice.smith@gmail.com", S_OK, T3, P0, "alice.smith@acme.com", 1, "foreign address: local part" },
	{ 0, "kim.lee", S_OK, T3, P0, "kim.lee@acme.com", 1, "local part beats the name patterns" },
	{ 0, "sam", S_AMB, T3, P0, "sam@acme.com", 2, "same local part in two domains" },
	{ 0, "team", S_AMB, T3, P0, "kim.lee@acme.com", 2, "shared alias local part" },
	{ 0, "leaver", S_INACT, T3, P0, "leaver@acme.com", 1, "inactive user's local part" },
	{ 0, "gone.user", S_INACT, T3, P0, "gone.user@acme.com", 1, "inactive: no weaker tier tried" },
	/* Tier 4: name patterns. */
	{ 0, "carlos.diaz", S_OK, T4, PFL, "carlos.diaz.ext@acme.com", 1, "first.last, Díaz folded" },
	{ 0, "Carlos Diaz", S_OK, T4, PFL, "carlos.diaz.ext@acme.com", 1, "Windows account with a space" },
	{ 0, "carlos_díaz", S_OK, T4, PFL, "carlos.diaz.ext@acme.com", 1, "diacritic in the username" },
	{ 0, "carlosdiaz", S_OK, T4, PFN, "carlos.diaz.ext@acme.com", 1, "firstlast" },
	{ 0, "cdiaz", S_OK, T4, PIL, "carlos.diaz.ext@acme.com", 1, "initial + last" },
	{ 0, "C.Diaz", S_OK, T4, PIL, "carlos.diaz.ext@acme.com", 1, "initial . last" },
	{ 0, "carlos", S_OK, T4, PF, "carlos.diaz.ext@acme.com", 1, "unique first name" },
	{ 0, "DIAZ", S_OK, T4, PL, "carlos.diaz.ext@acme.com", 1, "unique last name" },
	{ 0, "jose.nunez", S_OK, T4, PFL, "jn@acme.com", 1, "José Núñez as ASCII" },
	{ 0, "José.Núñez", S_OK, T4, PFL, "jn@acme.com", 1, "José Núñez with diacritics" },
	{ 0, "JOSÉ NÚÑEZ", S_OK, T4, PFL, "jn@acme.com", 1, "upper case with diacritics" },
	{ 0, "Jose\xcc\x81", S_OK, T4, PF, "jn@acme.com", 1, "decomposed José" },
	{ 0, "jnunez", S_OK, T4, PIL, "jn@acme.com", 1, "initial + folded last" },
	{ 0, "ACME\\jnunez", S_OK, T4, PIL, "jn@acme.com", 1, "DOMAIN\\ stripped for names" },
	{ 0, "jnunez@laptop.local", S_OK, T4, PIL, "jn@acme.com", 1, "@host stripped for names" },
	{ 0, "wei.chen", S_AMB, T4, PFL, "w.c.1@acme.com", 2, "two Wei Chens: first.last ambiguous" },
	{ 0, "weichen", S_AMB, T4, PFN, "w.c.1@acme.com", 2, "firstlast ambiguous" },
	{ 0, "jdoe", S_AMB, T4, PIL, "john.doe@acme.com", 2, "John and Jane Doe: jdoe ambiguous" },
	{ 0, "john", S_AMB, T4, PF, "john.doe@acme.com", 2, "first name ambiguous" },
	{ 0, "doe", S_AMB, T4, PL, "john.doe@acme.com", 2, "last name ambiguous" },
	{ 0, "pgone", S_INACT, T4, PIL, "peter.gone@acme.com", 1, "inactive by name" },
	{ 0, "mold", S_AMB, T4, PIL, "mark.old@acme.com", 2, "an inactive namesake makes it ambiguous" },
	{ 0, "mary.lee", S_OK, T4, PFL, "maryann.lee@acme.com", 1, "first word of a two-word given name" },
	{ 0, "maryannlee", S_OK, T4, PFN, "maryann.lee@acme.com", 1, "two-word given name, firstlast" },
	{ 0, "mlee", S_OK, T4, PIL, "maryann.lee@acme.com", 1, "initial + last" },
	{ 0, "lee", S_AMB, T4, PL, "kim.lee@acme.com", 2, "two Lees" },
	{ 0, "sobrien", S_OK, T4, PIL, "s.obrien@acme.com", 1, "O'Brien without the apostrophe" },
	{ 0, "sean.o'brien", S_OK, T4, PFL, "s.obrien@acme.com", 1, "apostrophe in the username" },
	{ 0, "hgross", S_OK, T4, PIL, "hg@acme.com", 1, "Groß → gross" },
	{ 0, "Hans.Groß", S_OK, T4, PFL, "hg@acme.com", 1, "ß in the username" },
	{ 0, "zoe.walker", S_OK, T4, PFL, "zw@acme.com", 1, "names from the display name" },
	/* System and privileged accounts never resolve. */
	{ 0, "root", S_SYS, T0, P0, NULL, 0, "root (even with a user whose username is root)" },
	{ 0, "ROOT", S_SYS, T0, P0, NULL, 0, "ROOT" },
	{ 0, "root@localhost", S_SYS, T0, P0, NULL, 0, "root@host" },
	{ 0, "SYSTEM", S_SYS, T0, P0, NULL, 0, "SYSTEM" },
	{ 0, "NT AUTHORITY\\SYSTEM", S_SYS, T0, P0, NULL, 0, "NT AUTHORITY\\SYSTEM" },
	{ 0, "NT AUTHORITY\\LOCAL SERVICE", S_SYS, T0, P0, NULL, 0, "LOCAL SERVICE" },
	{ 0, "_mbsetupuser", S_SYS, T0, P0, NULL, 0, "_mbsetupuser" },
	{ 0, "_www", S_SYS, T0, P0, NULL, 0, "macOS service account" },
	{ 0, "loginwindow", S_SYS, T0, P0, NULL, 0, "loginwindow" },
	{ 0, "Administrator", S_SYS, T0, P0, NULL, 0, "Administrator" },
	{ 0, "ACME\\Administrator", S_SYS, T0, P0, NULL, 0, "domain Administrator" },
	{ 0, "DESKTOP-7$", S_SYS, T0, P0, NULL, 0, "machine account" },
	{ 0, "Window Manager\\DWM-1", S_SYS, T0, P0, NULL, 0, "DWM-1" },
	{ 0, "nobody", S_SYS, T0, P0, NULL, 0, "nobody" },
	/* Nothing to go on, or nobody. */
	{ 0, "", S_EMPTY, T0, P0, NULL, 0, "empty" },
	{ 0, "   ", S_EMPTY, T0, P0, NULL, 0, "blank" },
	{ 0, "ACME\\", S_EMPTY, T0, P0, NULL, 0, "only a domain" },
	{ 0, "---", S_EMPTY, T0, P0, NULL, 0, "only separators" },
	{ 0, "zzz", S_NONE, T0, P0, NULL, 0, "unknown" },
	{ 0, "unknown@acme.com", S_NONE, T0, P0, NULL, 0, "unknown address" },
	/* Tier 5: admin mappings, applied only when tiers 1-4 do not resolve. */
	{ 1, "jdoe", S_OK, T5, P0, "jane.doe@acme.com", 0, "mapping settles an ambiguous name" },
	{ 1, "ACME\\jdoe", S_OK, T5, P0, "jane.doe@acme.com", 0, "mapping of the bare name" },
	{ 1, "JDoe@laptop", S_OK, T5, P0, "jane.doe@acme.com", 0, "mapping, any case, @host" },
	{ 1, "xyz123", S_OK, T5, P0, "robert.jones@acme.com", 0, "mapping of an unknown name" },
	{ 1, "cdiaz", S_OK, T4, PIL, "carlos.diaz.ext@acme.com", 1, "a resolving tier beats a mapping" },
	{ 1, "ghost", S_INACT, T5, P0, "gone.user@acme.com", 1, "mapped to an inactive user" },
	{ 1, "nobody2", S_NONE, T5, P0, NULL, 0, "mapped to an address not in the directory" },
	{ 1, "teamlead", S_NONE, T5, P0, NULL, 0, "mapped to an address two users share: no guess" },
	{ 1, "doe", S_AMB, T4, PL, "john.doe@acme.com", 2, "no mapping: still ambiguous" },
	{ 1, "OTHER\\root", S_SYS, T0, P0, NULL, 0, "a mapping never makes root resolve" },
};

static void
load_directory(struct resolver_dir *d)
{
	struct resolver_import rep;
	struct err e = ERR_INIT;

	resolver_dir_init(d);
	ok(resolver_import(directory_csv, strlen(directory_csv), RESOLVER_FMT_AUTO, d, &rep, &e) == 0,
	   "test directory imports (%s)", e.msg);
	is_int(rep.n_skipped, 0, "no bad rows in the test directory");
	is_int(d->n_users, 27, "27 users");
	is_int(rep.n_inactive, 5, "5 inactive");
	resolver_import_release(&rep);
}

static void
test_table(void)
{
	struct resolver_dir d;
	struct resolver_result r;
	struct err e = ERR_INIT;
	size_t i, n = 0;
	int mapped = 0;
	const struct resolver_index *built;

	load_directory(&d);
	ok(resolver_dir_build(&d, &e) == 0 && resolver_dir_index_bytes(&d) > 0, "indexes built");
	built = d.index;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];
		const char *got_email;
		int good;

		if (c->mapped && !mapped) {
			ok(d.index == built, "one index served every lookup so far");
			resolver_dir_add_mapping(&d, "jdoe", "jane.doe@acme.com");
			resolver_dir_add_mapping(&d, "xyz123", "robert.jones@acme.com");
			resolver_dir_add_mapping(&d, "cdiaz", "alice.smith@acme.com");
			resolver_dir_add_mapping(&d, "ghost", "gone.user@acme.com");
			resolver_dir_add_mapping(&d, "nobody2", "missing@acme.com");
			resolver_dir_add_mapping(&d, "teamlead", "team@acme.com");
			resolver_dir_add_mapping(&d, "root", "alice.smith@acme.com");
			mapped = 1;
		}
		ok(resolver_resolve(&d, c->username, &r, &e) == 0, "resolve runs");
		got_email = r.user ? r.user->email : r.n_candidates ? r.candidates[0]->email : NULL;
		good = (int)r.status == c->status && (int)r.tier == c->tier &&
		       (int)r.pattern == c->pattern && (int)r.n_candidates == c->n_candidates &&
		       (got_email && c->email ? strcmp(got_email, c->email) == 0 : got_email == c->email);
		ok(good, "'%s': %s (%s)", c->username, resolver_status_name((enum resolver_status)c->status),
		   c->why);
		if (!good)
			printf("#   got status %s tier %s pattern %s email %s candidates %zu\n",
			       resolver_status_name(r.status), resolver_tier_name(r.tier),
			       resolver_pattern_name(r.pattern), got_email ? got_email : "-",
			       r.n_candidates);
		n++;
	}
	ok(n >= 60, "%zu table cases (at least 60)", n);

	/* Details the table does not show. */
	resolver_resolve(&d, "bob42", &r, &e);
	is_str(r.attribute, "sAMAccountName", "tier 2 names the attribute as the source spells it");
	resolver_resolve(&d, "xk7", &r, &e);
	is_str(r.attribute, "unix_username", "…unix_username");
	resolver_resolve(&d, "jdoe", &r, &e);
	is_str(r.mapped_email, "jane.doe@acme.com", "tier 5 gives the mapped address");
	resolver_resolve(&d, "wei.chen", &r, &e);
	ok(r.n_candidates == 2 && strcmp(r.candidates[0]->email, "w.c.1@acme.com") == 0 &&
	   strcmp(r.candidates[1]->email, "w.c.2@acme.com") == 0, "candidates in directory order");
	ok(resolver_find_email(&d, "ALICE.SMITH@acme.com") == &d.users[0], "find by address");
	ok(resolver_find_email(&d, "team@acme.com") == NULL, "a shared alias finds nobody");

	/* Configured attribute names replace the defaults. */
	{
		const char *names[] = { "Employee Number" };

		resolver_dir_set_attributes(&d, names, 1);
		resolver_resolve(&d, "E1001", &r, &e);
		ok(r.status == RESOLVER_RESOLVED && r.tier == RESOLVER_TIER_ATTRIBUTE &&
		   strcmp(r.user->email, "alice.smith@acme.com") == 0,
		   "employeeNumber configured: tier 2 (names compare without case or punctuation)");
		resolver_resolve(&d, "bob42", &r, &e);
		ok(r.status == RESOLVER_NO_MATCH, "sAMAccountName no longer an identity attribute");
		resolver_dir_set_attributes(&d, NULL, 0);
		resolver_resolve(&d, "bob42", &r, &e);
		ok(r.status == RESOLVER_RESOLVED, "defaults restored");
	}
	resolver_dir_release(&d);

	/* An empty directory resolves nothing and does not crash. */
	resolver_dir_init(&d);
	ok(resolver_resolve(&d, "jdoe", &r, &e) == 0 && r.status == RESOLVER_NO_MATCH,
	   "empty directory: no match");
	ok(resolver_resolve(&d, NULL, &r, &e) == 0 && r.status == RESOLVER_EMPTY, "NULL username");
	resolver_dir_release(&d);
}

/* ---- importers -------------------------------------------------------- */

static int
import(const char *text, enum resolver_format fmt, struct resolver_dir *d,
       struct resolver_import *rep, struct err *e)
{
	resolver_dir_init(d);
	memset(e, 0, sizeof(*e));
	return resolver_import(text, strlen(text), fmt, d, rep, e);
}

static int
has_issue(const struct resolver_import *rep, unsigned long line, const char *text)
{
	size_t i;

	for (i = 0; i < rep->n_issues; i++)
		if (rep->issues[i].line == line && strstr(rep->issues[i].msg, text))
			return 1;
	for (i = 0; i < rep->n_issues; i++)
		printf("#   issue %lu:%lu %s\n", rep->issues[i].line, rep->issues[i].col,
		       rep->issues[i].msg);
	return 0;
}

static void
done(struct resolver_dir *d, struct resolver_import *rep)
{
	resolver_dir_release(d);
	resolver_import_release(rep);
}

static void
test_csv(void)
{
	struct resolver_dir d;
	struct resolver_import rep;
	struct err e;
	const char *t;

	/* BOM, CRLF, quoted fields with delimiters, doubled quotes, an embedded
	 * newline; a bad row's line counts the physical lines before it. */
	t = "\xef\xbb\xbf" "E-mail Address,Given Name,Family Name,Notes,Status\r\n"
	    "a@x.com,Ann,\"Smith, Jr\",\"said \"\"hi\"\"\",Active\r\n"
	    "b@x.com,Bob,Lee,\"two\r\nlines\",ACTIVE\r\n"
	    "not-an-address,Cy,Doe,,active\r\n"
	    "\r\n"
	    "d@x.com,Di,Fox,,SUSPENDED\r\n"
	    "e@x.com,Ed,Gee\r\n"
	    "A@X.COM,Ann,Again,,active\r\n"
	    "f@x.com,Fay,Hu,,on holiday\r\n"
	    "g@x.com,\"Gus\"x,Ink,,active\r\n"
	    "h@x.com,H\xe9l\xe8ne,Jo,,active\r\n";
	ok(import(t, RESOLVER_FMT_AUTO, &d, &rep, &e) == 0, "CSV with problems imports (%s)", e.msg);
	is_str(resolver_format_name(rep.format), "csv", "detected as CSV");
	is_int(rep.n_records, 9, "9 records (blank line ignored)");
	is_int(rep.n_added, 3, "3 good users");
	is_int(rep.n_inactive, 1, "one suspended");
	is_int(rep.n_skipped, 6, "6 skipped");
	ok(d.n_users == 3 && strcmp(d.users[0].family_name, "Smith, Jr") == 0,
	   "quoted delimiter kept in the value");
	ok(d.n_users == 3 && strcmp(d.users[0].attrs[0].value, "said \"hi\"") == 0 &&
	   strcmp(d.users[0].attrs[0].name, "Notes") == 0, "doubled quotes; other columns are attributes");
	ok(d.n_users == 3 && strcmp(d.users[1].attrs[0].value, "two\r\nlines") == 0,
	   "embedded newline kept");
	ok(d.n_users == 3 && !d.users[2].active && strcmp(d.users[2].status, "SUSPENDED") == 0,
	   "SUSPENDED is inactive, status kept");
	ok(has_issue(&rep, 5, "invalid email address 'not-an-address'"), "bad address at line 5");
	ok(has_issue(&rep, 8, "3 fields, the header has 5"), "short row at line 8");
	ok(has_issue(&rep, 9, "duplicate email address 'A@X.COM' (first at line 2)"),
	   "duplicate address (any case) at line 9");
	ok(has_issue(&rep, 10, "unknown status value 'on holiday'"), "unknown status at line 10");
	ok(has_issue(&rep, 11, "text after a closing quote"), "stray text after a quote at line 11");
	ok(has_issue(&rep, 12, "not valid UTF-8"), "Latin-1 bytes at line 12");
	ok(strstr(rep.issues[0].msg, ", skipping") != NULL, "messages say what happens next");
	done(&d, &rep);

	/* Semicolons (a European spreadsheet), LF only, booleans. */
	t = "email;first;last;enabled;suspended\n"
	    "a@x.com;Ann;Ark;true;false\n"
	    "b@x.com;Bo;Bee;false;\n"
	    "c@x.com;Cy;Cee;yes;yes\n"
	    "d@x.com;Di;Dee;maybe;\n";
	ok(import(t, RESOLVER_FMT_CSV, &d, &rep, &e) == 0, "semicolon CSV imports");
	ok(d.n_users == 3 && d.users[0].active && !d.users[1].active && !d.users[2].active,
	   "enabled=false and suspended=yes are inactive");
	ok(has_issue(&rep, 5, "unknown boolean value 'maybe'"), "bad boolean");
	done(&d, &rep);

	/* A login that is an address stands in for a missing email column. */
	t = "userName,displayName\njdoe@x.com,John Doe\nnobody,No Body\n";
	ok(import(t, RESOLVER_FMT_AUTO, &d, &rep, &e) == 0 && d.n_users == 1 &&
	   strcmp(d.users[0].email, "jdoe@x.com") == 0, "userName as the address");
	ok(has_issue(&rep, 3, "no email address"), "no address at all: skipped");
	done(&d, &rep);

	/* Whole-file errors. */
	ok(import("", RESOLVER_FMT_AUTO, &d, &rep, &e) == -ERR_PARSE &&
	   strstr(e.msg, "no header row"), "empty file refused");
	done(&d, &rep);
	ok(import("first,last\nJohn,Doe\n", RESOLVER_FMT_AUTO, &d, &rep, &e) == -ERR_PARSE &&
	   strstr(e.msg, "no email column") && e.line == 1, "no email column refused");
	done(&d, &rep);
	ok(import("email,name\na@x.com,Ann\nb@x.com,\"Bob\nc@x.com,Cy\n", RESOLVER_FMT_AUTO, &d, &rep,
		  &e) == -ERR_PARSE && strstr(e.msg, "unterminated quoted field") && e.line == 3 &&
	   e.col == 9, "unterminated quote: error at its line and column (%lu:%lu)", e.line, e.col);
	is_int(d.n_users, 1, "…rows before it were read, the caller decides");
	done(&d, &rep);
}

static const char scim[] =
	"{\n"
	"  \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\n"
	"  \"totalResults\": 5,\n"
	"  \"Resources\": [\n"
	"    {\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\",\n"
	"                 \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],\n"
	"     \"id\": \"1\", \"externalId\": \"00u1\", \"userName\": \"jdoe\",\n"
	"     \"name\": {\"givenName\": \"John\", \"familyName\": \"Doe\"},\n"
	"     \"emails\": [{\"value\": \"jd@home.example\", \"type\": \"home\"},\n"
	"                {\"value\": \"john.doe@acme.com\", \"type\": \"work\", \"primary\": true}],\n"
	"     \"active\": true,\n"
	"     \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":\n"
	"        {\"employeeNumber\": 701, \"department\": \"R&D\", \"manager\": {\"value\": \"2\"}}},\n"
	"    {\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],\n"
	"     \"userName\": \"asmith@acme.com\", \"active\": false,\n"
	"     \"name\": {\"givenName\": \"Ann\", \"familyName\": \"Smith\"}},\n"
	"    {\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"], \"displayName\": \"x\"},\n"
	"    {\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],\n"
	"     \"userName\": \"broken\", \"emails\": [{\"value\": \"b@acme.com\",}] , oops},\n"
	"    {\"userName\": \"cy\", \"emails\": [{\"value\": \"cy@acme.com\"}]}\n"
	"  ]\n"
	"}\n";

static void
test_scim_json(void)
{
	struct resolver_dir d;
	struct resolver_import rep;
	struct resolver_result r;
	struct err e;
	const char *t;

	ok(import(scim, RESOLVER_FMT_AUTO, &d, &rep, &e) == 0, "SCIM ListResponse imports (%s)", e.msg);
	is_str(resolver_format_name(rep.format), "scim", "detected as SCIM");
	is_int(rep.total_results, 5, "totalResults read");
	is_int(d.n_users, 3, "3 users");
	if (d.n_users == 3) {
		const struct resolver_user *u = &d.users[0];
		size_t i;
		int dept = 0, emp = 0, uname = 0;

		is_str(u->email, "john.doe@acme.com", "the primary address wins");
		ok(u->n_aliases == 1 && strcmp(u->aliases[0], "jd@home.example") == 0, "others are aliases");
		is_str(u->external_id, "00u1", "externalId");
		is_str(u->given_name, "John", "name.givenName");
		for (i = 0; i < u->n_attrs; i++) {
			dept |= strcmp(u->attrs[i].name, "department") == 0 &&
				strcmp(u->attrs[i].value, "R&D") == 0;
			emp |= strcmp(u->attrs[i].name, "employeeNumber") == 0 &&
			       strcmp(u->attrs[i].value, "701") == 0;
			uname |= strcmp(u->attrs[i].name, "userName") == 0;
		}
		ok(dept && emp, "enterprise extension attributes (number as text)");
		ok(uname, "userName is an identity attribute");
		is_str(d.users[1].email, "asmith@acme.com", "userName that is an address: the address");
		ok(!d.users[1].active, "active: false is inactive");
		is_str(d.users[2].email, "cy@acme.com", "a resource without schemas is taken");
	}
	ok(has_issue(&rep, 17, "not a SCIM User resource"), "a Group is skipped, with its line");
	ok(has_issue(&rep, 19, ""), "a broken user object is reported at the line of the error");
	ok(resolver_resolve(&d, "jdoe", &r, &e) == 0 && r.status == RESOLVER_RESOLVED &&
	   r.tier == RESOLVER_TIER_ATTRIBUTE, "SCIM userName resolves at tier 2");
	ok(resolver_resolve(&d, "asmith", &r, &e) == 0 && r.status == RESOLVER_INACTIVE,
	   "an inactive SCIM user never resolves");
	done(&d, &rep);

	/* A JSON array: Okta-style profile, Google-style names and aliases. */
	t = "[\n"
	    " {\"status\": \"ACTIVE\", \"profile\": {\"firstName\": \"Ola\", \"lastName\": \"Nordmann\",\n"
	    "   \"email\": \"ola@acme.no\", \"login\": \"ola@acme.no\", \"unix_username\": \"olan\"}},\n"
	    " {\"primaryEmail\": \"kari@acme.no\", \"name\": {\"fullName\": \"Kari Nordmann\"},\n"
	    "  \"suspended\": true, \"aliases\": [\"kn@acme.no\"]},\n"
	    " 42,\n"
	    " {\"email\": \"x@acme.no\", \"status\": \"DEPROVISIONED\",\n"
	    "  \"identity_attributes\": {\"username\": \"xx\"}}\n"
	    "]";
	ok(import(t, RESOLVER_FMT_AUTO, &d, &rep, &e) == 0 && d.n_users == 3, "JSON array imports");
	is_str(resolver_format_name(rep.format), "json", "detected as JSON");
	ok(d.n_users == 3 && d.users[0].active && strcmp(d.users[0].given_name, "Ola") == 0,
	   "Okta profile fields");
	ok(d.n_users == 3 && !d.users[1].active && d.users[1].n_aliases == 1 &&
	   strcmp(d.users[1].display_name, "Kari Nordmann") == 0, "Google fields, suspended");
	ok(d.n_users == 3 && !d.users[2].active, "DEPROVISIONED is inactive");
	ok(has_issue(&rep, 6, "a user must be a JSON object"), "a number is skipped with its line");
	ok(resolver_resolve(&d, "olan", &r, &e) == 0 && r.status == RESOLVER_RESOLVED &&
	   r.tier == RESOLVER_TIER_ATTRIBUTE, "unix_username from a profile resolves");
	ok(resolver_resolve(&d, "kari.nordmann", &r, &e) == 0 && r.status == RESOLVER_INACTIVE,
	   "display-name pattern of a suspended user: inactive");
	done(&d, &rep);

	/* Microsoft Graph {"value": [...]}, Google {"users": [...]}. */
	t = "{\"@odata.context\": \"x\", \"value\": [{\"userPrincipalName\": \"ab@acme.onmicrosoft.com\","
	    " \"mail\": \"a.b@acme.com\", \"accountEnabled\": false, \"givenName\": \"A\"}]}";
	ok(import(t, RESOLVER_FMT_AUTO, &d, &rep, &e) == 0 && d.n_users == 1 &&
	   strcmp(d.users[0].email, "a.b@acme.com") == 0 && !d.users[0].active,
	   "Graph list: mail, accountEnabled");
	done(&d, &rep);

	/* Whole-file errors carry a position. */
	ok(import("{\"schemas\": []}", RESOLVER_FMT_AUTO, &d, &rep, &e) == -ERR_PARSE &&
	   strstr(e.msg, "no \"Resources\" array"), "object without Resources refused");
	done(&d, &rep);
	ok(import("[{\"email\": \"a@b.co\"},\n {\"email\": \"c@d.co\"", RESOLVER_FMT_AUTO, &d, &rep,
		  &e) == -ERR_PARSE && e.line == 2, "truncated array: error at line 2 (%s)", e.msg);
	done(&d, &rep);
	ok(import("[{\"email\": \"a@b.co\"}] trailing", RESOLVER_FMT_AUTO, &d, &rep, &e) == -ERR_PARSE &&
	   strstr(e.msg, "after the end"), "text after the document refused");
	done(&d, &rep);
	ok(import("[1]", RESOLVER_FMT_SCIM, &d, &rep, &e) == -ERR_PARSE, "--format scim wants an object");
	done(&d, &rep);
	{
		struct buf deep = BUF_INIT;
		int i;

		buf_adds(&deep, "[");
		for (i = 0; i < 100000; i++)
			buf_addc(&deep, '[');
		ok(import(deep.data, RESOLVER_FMT_AUTO, &d, &rep, &e) == -ERR_PARSE &&
		   strstr(e.msg, "deeper"), "deep nesting refused without recursion");
		done(&d, &rep);
		buf_release(&deep);
	}
}

/* ---- persistence (store/users) ---------------------------------------- */

static const char *
status_of(struct store *s, const char *device, const char *user)
{
	static char out[64];
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT status FROM device_users WHERE device_id = ? AND "
			       "username = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

static const struct store_unresolved_row *
find_unresolved(const struct store_unresolved_rows *rows, const char *user)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		if (strcmp(rows->v[i].username, user) == 0)
			return &rows->v[i];
	return NULL;
}

static void
test_store_users(void)
{
	char dbpath[] = "/tmp/test_resolver.XXXXXX";
	struct store *s = NULL;
	struct resolver_dir d, back;
	struct resolver_import rep;
	struct store_directory info;
	struct store_unresolved_rows un = { NULL, 0, 0 };
	struct store_mapping_rows maps = { NULL, 0, 0 };
	struct err e = ERR_INIT;
	char *email = NULL, *tier = NULL, path[64];
	const struct store_unresolved_row *u;
	long changed = -1;
	int found = -1;
	const char *names[] = { "sAMAccountName", "unix_username", "username" };
	struct store_device_user scan = { "dev-a", "jdoe", "host-a", NULL, "2026-03-01T10:00:00.000Z" };
	struct store_device_user fleet[] = {
		{ "dev-b", "bob42", "host-b", "2026-02-01T00:00:00.000Z", "2026-02-10T00:00:00.000Z" },
		{ "dev-c", "bob42", "host-c", NULL, "2026-02-11T00:00:00.000Z" },
		{ "dev-c", "zzz", "host-c", NULL, "2026-02-12T00:00:00.000Z" },
		{ "dev-c", "", "host-c", NULL, NULL },
	};

	ok(mkdtemp(dbpath) != NULL, "scratch directory");
	snprintf(path, sizeof(path), "%s/inv.db", dbpath);
	ok(store_open(path, STORE_CREATE, 0, &s, &e) == 0, "open inventory (%s)", e.msg);
	if (s == NULL)
		return;
	resolver_dir_init(&back);
	ok(store_users_load(s, &back, NULL, &found, &e) == 0 && found == 0 && back.n_users == 0,
	   "no directory yet");
	resolver_dir_release(&back);

	/* A scan before any directory: recorded, unresolved for lack of one. */
	ok(store_users_note_scan(s, &scan, &e) == 0, "scan's username recorded");
	is_str(status_of(s, "dev-a", "jdoe"), "no_directory", "…as no_directory");

	/* Import: the device row is re-resolved in the same transaction. */
	resolver_dir_init(&d);
	ok(resolver_import(directory_csv, strlen(directory_csv), RESOLVER_FMT_AUTO, &d, &rep, &e) == 0,
	   "directory parsed");
	resolver_dir_set_attributes(&d, names, 3);
	memset(&info, 0, sizeof(info));
	info.source = xstrdup("dir.csv");
	info.format = xstrdup("csv");
	info.n_inactive = (long)rep.n_inactive;
	ok(store_users_replace(s, &d, &info, &changed, &e) == 0 && changed == 1,
	   "directory stored, one device re-resolved (%s)", e.msg);
	store_directory_release(&info);
	resolver_import_release(&rep);
	is_str(status_of(s, "dev-a", "jdoe"), "ambiguous", "jdoe now ambiguous");
	ok(store_users_unresolved(s, &un, &e) == 0 && (u = find_unresolved(&un, "jdoe")) != NULL &&
	   u->devices == 1 && u->n_candidates == 2 && strcmp(u->tier, "name_pattern") == 0 &&
	   strcmp(u->detail, "initial+last") == 0 &&
	   strcmp(u->candidates, "[\"john.doe@acme.com\",\"jane.doe@acme.com\"]") == 0 &&
	   strcmp(u->last_seen, "2026-03-01T10:00:00.000Z") == 0,
	   "unresolved lists jdoe with its candidates, tier and last seen");
	store_unresolved_rows_release(&un);

	/* The directory reads back as it was written. */
	resolver_dir_init(&back);
	memset(&info, 0, sizeof(info));
	ok(store_users_load(s, &back, &info, &found, &e) == 0 && found == 1 &&
	   back.n_users == d.n_users, "directory loads back");
	ok(back.n_users == d.n_users && strcmp(back.users[0].aliases[0], "asmith@acme.com") == 0 &&
	   strcmp(back.users[4].attrs[0].name, "sAMAccountName") == 0 &&
	   strcmp(back.users[4].attrs[0].value, "bob42") == 0 && !back.users[3].active &&
	   strcmp(back.users[3].status, "suspended") == 0 && back.users[3].line == 5 &&
	   strcmp(back.users[12].family_name, "Díaz") == 0, "users round-trip (aliases, attributes, status, line, UTF-8)");
	ok(back.n_attr_names == 3 && strcmp(back.attr_names[1], "unix_username") == 0,
	   "configured identity attributes stored with the directory");
	ok(info.n_users == 27 && info.n_inactive == 5 && strcmp(info.source, "dir.csv") == 0 &&
	   info.imported_at != NULL, "import record");
	store_directory_release(&info);
	resolver_dir_release(&back);

	/* Admin mappings. */
	ok(store_users_map(s, "root", "alice.smith@acme.com", NULL, &e) == -ERR_INVALID &&
	   strstr(e.msg, "system account"), "root cannot be mapped");
	ok(store_users_map(s, "ghost", "gone.user@acme.com", NULL, &e) == -ERR_INVALID &&
	   strstr(e.msg, "inactive"), "no mapping to an inactive user");
	ok(store_users_map(s, "ghost", "nobody@acme.com", NULL, &e) == -ERR_NOTFOUND,
	   "no mapping to an unknown address");
	ok(store_users_map(s, "ghost", "team@acme.com", NULL, &e) == -ERR_NOTFOUND,
	   "no mapping to a shared address");
	ok(store_users_map(s, "JDoe", "Jane.Doe@ACME.com", &changed, &e) == 0 && changed == 1,
	   "map JDoe (%s)", e.msg);
	ok(store_users_attribution(s, "dev-a", "jdoe", &email, &tier, &e) == 0 &&
	   email && strcmp(email, "jane.doe@acme.com") == 0 && strcmp(tier, "admin_mapping") == 0,
	   "the device is attributed by the mapping (any case), stored address as in the directory");
	free(email);
	free(tier);
	ok(store_users_mappings(s, &maps, &e) == 0 && maps.n == 1 &&
	   strcmp(maps.v[0].username, "JDoe") == 0, "mapping listed");
	store_mapping_rows_release(&maps);
	ok(store_users_map(s, "jdoe", "john.doe@acme.com", &changed, &e) == 0 && changed == 1,
	   "a mapping of the same normalised name replaces it");
	ok(store_users_mappings(s, &maps, &e) == 0 && maps.n == 1 &&
	   strcmp(maps.v[0].email, "john.doe@acme.com") == 0, "still one mapping");
	store_mapping_rows_release(&maps);
	ok(store_users_unresolved(s, &un, &e) == 0 && un.n == 0, "nothing unresolved");
	store_unresolved_rows_release(&un);
	ok(store_users_unmap(s, "JDOE", &changed, &e) == 0 && changed == 1, "unmap");
	is_str(status_of(s, "dev-a", "jdoe"), "ambiguous", "ambiguous again");
	ok(store_users_unmap(s, "jdoe", &changed, &e) == -ERR_NOTFOUND, "unmap twice: not found");

	/* A known pair only moves its last seen. */
	scan.last_seen = "2026-03-02T10:00:00.000Z";
	ok(store_users_note_scan(s, &scan, &e) == 0, "second scan");
	ok(store_users_unresolved(s, &un, &e) == 0 && (u = find_unresolved(&un, "jdoe")) != NULL &&
	   strcmp(u->last_seen, "2026-03-02T10:00:00.000Z") == 0, "last seen moved");
	store_unresolved_rows_release(&un);

	/* A fleet from exports. */
	ok(store_users_note_import(s, &d, 1, fleet, 4, &e) == 0, "fleet recorded (%s)", e.msg);
	ok(store_users_attribution(s, "dev-c", "bob42", &email, &tier, &e) == 0 && email &&
	   strcmp(email, "robert.jones@acme.com") == 0 && strcmp(tier, "identity_attribute") == 0,
	   "fleet device attributed");
	free(email);
	free(tier);
	ok(store_users_unresolved(s, &un, &e) == 0 && un.n == 2 &&
	   (u = find_unresolved(&un, "zzz")) && u->devices == 1 && strcmp(u->status, "no_match") == 0,
	   "zzz unresolved on one device; the empty username is not recorded");
	store_unresolved_rows_release(&un);
	fleet[0].last_seen = "2026-01-15T00:00:00.000Z";
	fleet[0].first_seen = "2026-01-01T00:00:00.000Z";
	ok(store_users_note_import(s, &d, 1, fleet, 1, &e) == 0, "older export of dev-b");

	/* A new directory without Robert: both devices become unresolved. */
	resolver_dir_release(&d);
	resolver_dir_init(&d);
	{
		const char *t = "email,first,last\nalice@acme.com,Alice,Smith\n";

		ok(resolver_import(t, strlen(t), RESOLVER_FMT_AUTO, &d, &rep, &e) == 0, "small directory");
		resolver_import_release(&rep);
	}
	memset(&info, 0, sizeof(info));
	ok(store_users_replace(s, &d, &info, &changed, &e) == 0 && changed == 3,
	   "replaced: both bob42 devices and jdoe re-resolved (%ld)", changed);
	is_str(status_of(s, "dev-a", "jdoe"), "no_match", "jdoe: no match now");
	is_str(status_of(s, "dev-c", "bob42"), "no_match", "bob42: no match now");
	ok(store_users_unresolved(s, &un, &e) == 0 && (u = find_unresolved(&un, "bob42")) &&
	   u->devices == 2 && strcmp(u->last_seen, "2026-02-11T00:00:00.000Z") == 0,
	   "bob42: 2 devices, the latest last seen");
	ok(un.n >= 1 && strcmp(un.v[0].username, "bob42") == 0, "most devices first");
	store_unresolved_rows_release(&un);
	{
		sqlite3_stmt *st = NULL;

		sqlite3_prepare_v2(s->db, "SELECT first_seen, last_seen, source FROM device_users "
				   "WHERE device_id = 'dev-b'", -1, &st, NULL);
		ok(st && sqlite3_step(st) == SQLITE_ROW &&
		   strcmp((const char *)sqlite3_column_text(st, 0), "2026-01-01T00:00:00.000Z") == 0 &&
		   strcmp((const char *)sqlite3_column_text(st, 1), "2026-02-10T00:00:00.000Z") == 0 &&
		   strcmp((const char *)sqlite3_column_text(st, 2), "import") == 0,
		   "first seen earliest, last seen latest over imports");
		sqlite3_finalize(st);
	}
	resolver_dir_release(&d);
	store_close(s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/inv.db-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s/inv.db-shm", dbpath);
	unlink(path);
	rmdir(dbpath);
}

static void
test_read_export(void)
{
	struct store_export_rows rows = { NULL, 0, 0 };
	struct resolver_import rep;
	struct err e = ERR_INIT;
	const char *t;

	memset(&rep, 0, sizeof(rep));
	t = "{\"device_id\": \"d1\", \"username\": \"jdoe\"}\n\nnot json\n[1]\n"
	    "{\"device_id\": \"d2\", \"username\": \"bob\"}";
	ok(store_users_read_export(t, strlen(t), &rows, &rep, &e) == 0 && rows.n == 2 &&
	   rep.n_skipped == 2, "ndjson: 2 rows, 2 bad lines");
	ok(has_issue(&rep, 3, "skipping") && has_issue(&rep, 4, "not a JSON object"),
	   "bad lines reported with their numbers");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
	t = "{\n  \"schema\": 1,\n  \"rows\": [{\"device_id\": \"d1\"}, {\"device_id\": \"d2\"}]\n}\n";
	ok(store_users_read_export(t, strlen(t), &rows, &rep, &e) == 0 && rows.n == 2,
	   "json document");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
	t = "{\"schema\": 1, \"rows\": [{\"device_id\": \"d1\"}]}";
	ok(store_users_read_export(t, strlen(t), &rows, &rep, &e) == 0 && rows.n == 1,
	   "compact json document is not mistaken for ndjson");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
	t = "{\"schema\": 1}";
	ok(store_users_read_export(t, strlen(t), &rows, &rep, &e) == -ERR_PARSE, "not an export");
	resolver_import_release(&rep);
	t = "{\"rows\": [1, 2";
	ok(store_users_read_export(t, strlen(t), &rows, &rep, &e) == -ERR_PARSE && e.line == 1,
	   "broken document: error with a position");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
}

int
main(void)
{
	test_fold();
	test_table();
	test_csv();
	test_scim_json();
	test_store_users();
	test_read_export();
	return tap_done();
}
