/* Text splices for byte-preserving edits of other tools' config files: a
 * list of (start, end, replacement) applied in one pass. */
#ifndef HOOKS_EDIT_H
#define HOOKS_EDIT_H

#include <stddef.h>

#include "util/buf.h"

struct splice {
	size_t start, end;	/* bytes [start, end) of the old text are replaced */
	char *text;		/* owned replacement (may be empty) */
};

struct edits {
	struct splice *v;
	size_t n, cap;
};

#define EDITS_INIT { NULL, 0, 0 }

/* Queue a replacement of [start, end) by text (copied). */
void edits_add(struct edits *ed, size_t start, size_t end, const char *text);
/* Queue a replacement taking ownership of text (a malloc'd string). */
void edits_add_owned(struct edits *ed, size_t start, size_t end, char *text);

/*
 * Apply the queued splices to text (len bytes) into out (cleared first).
 * Splices are sorted by position; they must not overlap (two insertions at
 * the same offset keep their queue order). Returns 0, or -1 on overlap or a
 * span outside the text (out is then unspecified).
 */
int edits_apply(const struct edits *ed, const char *text, size_t len, struct buf *out);

/* Free the splices and return to the empty state. */
void edits_release(struct edits *ed);

/* Line helpers shared by the editors. */
/* Offset of the first byte of the line holding pos. */
size_t text_line_start(const char *text, size_t pos);
/* Offset of the line break ending the line holding pos ("\r\n" → the '\r'),
 * or len at the end of the text. */
size_t text_line_end(const char *text, size_t len, size_t pos);
/* Offset just past the line break ending the line holding pos (or len). */
size_t text_next_line(const char *text, size_t len, size_t pos);
/* Whether only spaces and tabs precede pos on its line. */
int text_starts_line(const char *text, size_t pos);
/* "\r\n" when the first line break of text is CRLF, else "\n". */
const char *text_newline(const char *text, size_t len);

#endif
