/* Unified diffs for --dry-run: Myers' O(ND) line diff (our edits are small,
 * so D is too) printed with three lines of context, like `diff -u`. */
#include "hooks/install_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define DIFF_MAX_D 2000
#define CONTEXT 3

struct line {
	const char *p;
	size_t n;	/* with its line break, if any */
};

struct lines {
	struct line *v;
	size_t n;
};

static void
split_lines(const char *t, size_t len, struct lines *out)
{
	size_t i = 0, cap = 16;

	out->v = xcalloc(cap, sizeof(*out->v));
	out->n = 0;
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (t + i)) + 1 : len - i;

		if (out->n == cap) {
			cap *= 2;
			out->v = xreallocarray(out->v, cap, sizeof(*out->v));
		}
		out->v[out->n].p = t + i;
		out->v[out->n].n = n;
		out->n++;
		i += n;
	}
}

static int
same(const struct line *a, const struct line *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

enum { OP_EQ, OP_DEL, OP_INS };

struct op {
	int kind;
	size_t ai, bi;	/* line indexes in a and b */
};

/* The edit script from a to b as ops in order; *nops receives the count. */
static struct op *
myers(const struct lines *a, const struct lines *b, size_t *nops)
{
	long n = (long)a->n, m = (long)b->n, max = n + m, d, k, x, y;
	long off = max + 1;
	long *v = xcalloc((size_t)(2 * max + 3), sizeof(*v));
	long **trace = NULL;
	long found = -1, ntrace = 0;
	struct op *ops;
	size_t cap, cnt = 0;

	for (d = 0; d <= max && d <= DIFF_MAX_D; d++) {
		trace = xreallocarray(trace, (size_t)d + 1, sizeof(*trace));
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < n && y < m && same(&a->v[x], &b->v[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
		}
		/* Keep only the frontier's live diagonals: O(D^2) memory. */
		trace[d] = xcalloc((size_t)(2 * d + 1), sizeof(long));
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof(long));
		ntrace = d + 1;
		for (k = -d; k <= d; k += 2)
			if (v[off + k] >= n && v[off + k] - k >= m)
				found = d;
		if (found >= 0)
			break;
	}
	cap = (size_t)(n + m) + 1;
	ops = xcalloc(cap, sizeof(*ops));
	if (found < 0) {
		/* Too different to be worth it: replace everything. */
		for (x = 0; x < n; x++)
			ops[cnt++] = (struct op){ OP_DEL, (size_t)x, 0 };
		for (y = 0; y < m; y++)
			ops[cnt++] = (struct op){ OP_INS, (size_t)n, (size_t)y };
	} else {
		/* Walk back through the saved frontiers, then reverse. */
		x = n;
		y = m;
		for (d = found; d >= 0; d--) {
			long *vd, prev_k, prev_x, prev_y;

			k = x - y;
			if (d == 0) {
				while (x > 0 && y > 0) {
					x--;
					y--;
					ops[cnt++] = (struct op){ OP_EQ, (size_t)x, (size_t)y };
				}
				break;
			}
			/* trace[d - 1][j] holds diagonal j - (d - 1). */
			vd = trace[d - 1];
			if (k == -d || (k != d && vd[k - 1 + d - 1] < vd[k + 1 + d - 1]))
				prev_k = k + 1;
			else
				prev_k = k - 1;
			prev_x = vd[prev_k + d - 1];
			prev_y = prev_x - prev_k;
			while (x > prev_x && y > prev_y) {
				x--;
				y--;
				ops[cnt++] = (struct op){ OP_EQ, (size_t)x, (size_t)y };
			}
			if (x == prev_x) {
				y--;
				ops[cnt++] = (struct op){ OP_INS, (size_t)x, (size_t)y };
			} else {
				x--;
				ops[cnt++] = (struct op){ OP_DEL, (size_t)x, (size_t)y };
			}
		}
		for (x = 0; x < (long)cnt / 2; x++) {
			struct op t = ops[x];

			ops[x] = ops[cnt - 1 - (size_t)x];
			ops[cnt - 1 - (size_t)x] = t;
		}
	}
	for (d = 0; d < ntrace; d++)
		free(trace[d]);
	free(trace);
	free(v);
	*nops = cnt;
	return ops;
}

static void
add_line(struct buf *b, char mark, const struct line *l)
{
	buf_addc(b, mark);
	buf_add(b, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		buf_adds(b, "\n\\ No newline at end of file\n");
}

char *
hook_udiff(const char *a_label, const char *a, size_t alen, const char *b_label,
	   const char *b, size_t blen)
{
	struct lines la, lb;
	struct buf out = BUF_INIT;
	struct op *ops;
	size_t nops, i = 0;

	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	ops = myers(&la, &lb, &nops);
	buf_addf(&out, "--- %s\n+++ %s\n", a_label, b_label);
	while (i < nops) {
		size_t start, end, j, a0, b0, ac = 0, bc = 0;

		while (i < nops && ops[i].kind == OP_EQ)
			i++;
		if (i >= nops)
			break;
		/* A hunk: changes closer than 2*CONTEXT equal lines merge. */
		start = i > CONTEXT ? i - CONTEXT : 0;
		while (start < i && ops[start].kind != OP_EQ)
			start++;
		end = i;
		for (;;) {
			size_t eq = 0;

			while (end < nops && ops[end].kind != OP_EQ)
				end++;
			while (end + eq < nops && ops[end + eq].kind == OP_EQ)
				eq++;
			if (end + eq >= nops || eq > 2 * CONTEXT) {
				end += eq < CONTEXT ? eq : CONTEXT;
				break;
			}
			end += eq;
		}
		a0 = ops[start].ai;
		b0 = ops[start].bi;
		for (j = start; j < end; j++) {
			if (ops[j].kind != OP_INS)
				ac++;
			if (ops[j].kind != OP_DEL)
				bc++;
		}
		/* As diff -u: a count of 1 is left out. */
		buf_addf(&out, "@@ -%zu", ac ? a0 + 1 : a0);
		if (ac != 1)
			buf_addf(&out, ",%zu", ac);
		buf_addf(&out, " +%zu", bc ? b0 + 1 : b0);
		if (bc != 1)
			buf_addf(&out, ",%zu", bc);
		buf_adds(&out, " @@\n");
		for (j = start; j < end; j++) {
			if (ops[j].kind == OP_EQ)
				add_line(&out, ' ', &la.v[ops[j].ai]);
			else if (ops[j].kind == OP_DEL)
				add_line(&out, '-', &la.v[ops[j].ai]);
			else
				add_line(&out, '+', &lb.v[ops[j].bi]);
		}
		i = end;
	}
	free(ops);
	free(la.v);
	free(lb.v);
	return buf_detach(&out, NULL);
}
