/* Splice lists applied in one pass, and the line helpers the JSON, TOML and
 * YAML editors share. */
#include "hooks/edit.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

void
edits_add_owned(struct edits *ed, size_t start, size_t end, char *text)
{
	if (ed->n == ed->cap) {
		ed->cap = ed->cap ? ed->cap * 2 : 8;
		ed->v = xreallocarray(ed->v, ed->cap, sizeof(*ed->v));
	}
	ed->v[ed->n].start = start;
	ed->v[ed->n].end = end;
	ed->v[ed->n].text = text;
	ed->n++;
}

void
edits_add(struct edits *ed, size_t start, size_t end, const char *text)
{
	edits_add_owned(ed, start, end, xstrdup(text ? text : ""));
}

int
edits_apply(const struct edits *ed, const char *text, size_t len, struct buf *out)
{
	size_t *order, i, j, pos = 0;
	int ret = 0;

	buf_clear(out);
	order = xcalloc(ed->n ? ed->n : 1, sizeof(*order));
	for (i = 0; i < ed->n; i++)
		order[i] = i;
	/* Insertion sort: stable, and lists are short. */
	for (i = 1; i < ed->n; i++) {
		size_t k = order[i];

		for (j = i; j > 0 && ed->v[order[j - 1]].start > ed->v[k].start; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	for (i = 0; i < ed->n; i++) {
		const struct splice *s = &ed->v[order[i]];

		if (s->start < pos || s->end < s->start || s->end > len) {
			ret = -1;
			goto out;
		}
		if (buf_add(out, text + pos, s->start - pos) < 0 || buf_adds(out, s->text) < 0) {
			ret = -1;
			goto out;
		}
		pos = s->end;
	}
	if (buf_add(out, text + pos, len - pos) < 0)
		ret = -1;
out:
	free(order);
	return ret;
}

void
edits_release(struct edits *ed)
{
	size_t i;

	for (i = 0; i < ed->n; i++)
		free(ed->v[i].text);
	free(ed->v);
	ed->v = NULL;
	ed->n = ed->cap = 0;
}

size_t
text_line_start(const char *text, size_t pos)
{
	while (pos > 0 && text[pos - 1] != '\n')
		pos--;
	return pos;
}

size_t
text_line_end(const char *text, size_t len, size_t pos)
{
	while (pos < len && text[pos] != '\n')
		pos++;
	if (pos < len && pos > 0 && text[pos - 1] == '\r')
		pos--;
	return pos;
}

size_t
text_next_line(const char *text, size_t len, size_t pos)
{
	while (pos < len && text[pos] != '\n')
		pos++;
	return pos < len ? pos + 1 : len;
}

int
text_starts_line(const char *text, size_t pos)
{
	size_t i = text_line_start(text, pos);

	for (; i < pos; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return 0;
	return 1;
}

const char *
text_newline(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}
