/* Text normalisation for identity matching: Unicode case and diacritic
 * folding over UTF-8 (no ICU), name keys, username parts, system accounts. */
#ifndef RESOLVER_NORM_H
#define RESOLVER_NORM_H

#include <stddef.h>

#include "util/buf.h"

/*
 * Append the folded form of s (len bytes of UTF-8) to out: ASCII and
 * Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional
 * letters become lower-case ASCII without diacritics ("José" → "jose",
 * "Ærøskøbing" → "aeroskobing", "ß" → "ss", "Łódź" → "lodz"); combining
 * marks (U+0300–U+036F) are dropped; basic Greek and Cyrillic capitals are
 * lower-cased; fullwidth ASCII becomes ASCII; right single quotation mark
 * and modifier apostrophe become "'", no-break space " ", Unicode dashes
 * "-". Anything else is kept; invalid UTF-8 becomes U+FFFD. Never fails.
 */
void resolver_fold(const char *s, size_t len, struct buf *out);

/*
 * Append the canonical key of a name or username to out: folded, then
 * apostrophes dropped ("O'Brien" → "obrien"), every other ASCII character
 * that is not a letter or digit (".", "-", "_", space, …) a separator, and
 * separators written as one "." with none at either end ("John  Doe",
 * "john_doe", "john-doe" → "john.doe"). Non-ASCII letters are kept.
 */
void resolver_canon(const char *s, size_t len, struct buf *out);

/* Append key with every "." removed ("john.doe" → "johndoe"). */
void resolver_nosep(const char *key, struct buf *out);

/*
 * Attribute names compare by their letters and digits, lower-cased:
 * "sAMAccountName", "samaccountname" and "unix_username" / "Unix Username"
 * are the same names. Appends that form to out.
 */
void resolver_attr_key(const char *name, struct buf *out);

/*
 * A username split into its qualifiers, over a folded copy: "ACME\J.Doe"
 * → domain "acme", local "j.doe"; "JDoe@Acme.COM" → local "jdoe", host
 * "acme.com"; surrounding white space trimmed. Strings are owned by the
 * struct (resolver_uname_release()).
 */
struct resolver_uname {
	char *folded;		/* whole name, folded, without the DOMAIN\ part */
	char *domain;		/* before the last '\', or NULL */
	char *local;		/* before the last '@' of folded (all of it without '@') */
	char *host;		/* after the last '@', or NULL */
	char *bare;		/* resolver_canon(local) */
	char *full;		/* [domain "\"] bare ["@" host]: the key of admin mappings */
};

void resolver_uname_split(const char *username, struct resolver_uname *u);
void resolver_uname_release(struct resolver_uname *u);

/*
 * 1 when the username names a privileged or system account that never
 * stands for a person: root, SYSTEM, LOCAL SERVICE, NETWORK SERVICE,
 * Administrator, Guest, nobody, daemon, loginwindow, macOS service
 * accounts ("_mbsetupuser", any "_name"), Windows machine accounts
 * ("HOST$"), the NT AUTHORITY / NT SERVICE / Window Manager / Font Driver
 * Host domains and their DWM-n / UMFD-n accounts (any case, with or
 * without a DOMAIN\ or @host qualifier).
 */
int resolver_is_system_account(const struct resolver_uname *u);

/*
 * 1 when s looks like an email address: one '@' with a non-empty local
 * part and a domain containing a '.', no white space or control
 * characters, at most 254 bytes.
 */
int resolver_email_valid(const char *s);

/* 1 when s (len bytes) is valid UTF-8 without overlong forms or surrogates. */
int resolver_utf8_valid(const char *s, size_t len);

#endif
