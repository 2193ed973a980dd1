/* panel.c: the live findings panel: each error and warning wrapped beside its severity word,
 * sized from the wrapped lines, and paged with [ and ] (never a word cut off unseen). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "smtls/xmalloc.h"
#include "ui.h"

/* The finding's text in the panel (its fix too, for an error); caller frees. */
static char *
panel_text(const struct finding *f)
{
	return f->severity == SEV_ERROR && f->fix ? xstrprintf(_("%s Fix: %s"), f->message,
	    f->fix) : xstrdup(f->message);
}

/* The findings panel's text: each error and warning wrapped beside its severity word. */
struct panel {
	struct ui_lines		  l;
	size_t			 *owner;	/* per line: the number of its finding */
	size_t			 *start;	/* per finding: its first line */
	const struct finding	**f;		/* per finding */
	size_t			  nf;
};

static void
panel_build(const struct wizard *w, int wd, struct panel *p)
{
	size_t i, j;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];
		const char *word = severity_label(f->severity);
		size_t before = p->l.n;
		char *s;

		if (f->severity == SEV_OK)
			continue;
		s = panel_text(f);
		ui_wrap(&p->l, s, wd - ui_width(word, strlen(word)) - 3, 0);
		free(s);
		if (p->l.n == before)
			continue;
		p->start = xreallocarray(p->start, p->nf + 1, sizeof(*p->start));
		p->f = xreallocarray(p->f, p->nf + 1, sizeof(*p->f));
		p->owner = xreallocarray(p->owner, p->l.n, sizeof(*p->owner));
		for (j = before; j < p->l.n; j++)
			p->owner[j] = p->nf;
		p->start[p->nf] = before;
		p->f[p->nf++] = f;
	}
}

static void
panel_free(struct panel *p)
{
	ui_lines_free(&p->l);
	free(p->owner);
	free(p->start);
	free(p->f);
}

int
ui_panel_need(const struct wizard *w, int cols)
{
	struct panel p;
	int need;

	/* two rows per finding at most: the screen's own text comes first, and ] shows the
	 * rest of a long one */
	panel_build(w, cols, &p);
	need = 1 + (p.l.n == 0 ? 1 : p.l.n < 2 * p.nf ? (int)p.l.n : 2 * (int)p.nf);
	panel_free(&p);
	return need;
}

/*
 * ] and [: the next or previous finding at the top of the panel; a finding taller than the
 * panel goes on a page at a time first, so that every word of it can be read.
 */
void
ui_panel_scroll(struct wizard *w, int dir)
{
	struct wiz_ui *ui = w->ui;
	size_t top = ui->panel_first, rows = ui->panel_rows > 0 ? (size_t)ui->panel_rows : 1, f, end;
	struct panel p;

	panel_build(w, ui->panel_w, &p);
	if (top < p.l.n) {
		f = p.owner[top];
		end = f + 1 < p.nf ? p.start[f + 1] : p.l.n;
		if (dir > 0 && end > top + rows)
			top += rows;
		else if (dir > 0 && f + 1 < p.nf)
			top = p.start[f + 1];
		else if (dir < 0 && top > p.start[f])
			top = top - p.start[f] > rows ? top - rows : p.start[f];
		else if (dir < 0 && f > 0)
			top = p.start[f - 1];
	}
	ui->panel_first = top;
	panel_free(&p);
}

void
ui_draw_panel(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	int y = ui->panel_y, x = ui->panel_x, wd = ui->panel_w, bottom = ui->panel_y + ui->panel_h;
	size_t i, top, rows, last;
	struct panel p;
	char *head;

	if (ui->side)
		mvvline(1, ui->main_w, ui->ascii ? '|' : ACS_VLINE, ui->rows - 2);
	else
		ui_hline(ui, y, 0, ui->cols);
	head = xstrprintf(_(" Findings: %zu %s, %zu %s, %zu %s "),
	    findings_count(&w->live, SEV_ERROR), severity_label(SEV_ERROR),
	    findings_count(&w->live, SEV_WARNING), severity_label(SEV_WARNING),
	    findings_count(&w->live, SEV_OK), severity_label(SEV_OK));
	ui_put(y, x + 1, head, wd - 2, A_BOLD);
	free(head);
	y++;
	panel_build(w, wd, &p);
	if (p.nf == 0) {
		if (y < bottom)
			ui_put(y, x + 1, _("No errors or warnings for these settings."), wd - 2,
			    ui_sev_attr(ui, SEV_OK));
		ui->panel_first = 0;
		panel_free(&p);
		return;
	}
	/* when the lines do not fit, the last row says which findings show (never drawn over
	 * a finding), and ] and [ scroll; a line cut from a finding counts as not shown */
	rows = bottom > y ? (size_t)(bottom - y) : 0;
	if (p.l.n > rows && rows > 1)
		rows--;
	top = ui->panel_first;
	last = p.start[p.nf - 1] > p.l.n - (rows < p.l.n ? rows : p.l.n) ? p.start[p.nf - 1] :
	    p.l.n - (rows < p.l.n ? rows : p.l.n);
	if (top > last)
		top = last;
	ui->panel_first = top;
	ui->panel_rows = (int)rows;
	for (i = 0; i < rows && top + i < p.l.n; i++) {
		const struct finding *f = p.f[p.owner[top + i]];
		const char *word = severity_label(f->severity);
		int ww = ui_width(word, strlen(word));

		/* the severity word on a finding's first line, and on the top row always */
		if (i == 0 || p.start[p.owner[top + i]] == top + i)
			ui_put(y + (int)i, x + 1, word, wd, ui_sev_attr(ui, f->severity));
		ui_put(y + (int)i, x + ww + 2, p.l.v[top + i], wd - ww - 3, A_NORMAL);
	}
	if (top > 0 || top + rows < p.l.n) {
		size_t end = top + rows < p.l.n ? top + rows : p.l.n;
		char *more = xstrprintf(_("(%zu-%zu of %zu, [ ] scroll)"), p.owner[top] + 1,
		    p.owner[end - 1] + 1, p.nf);

		ui_put(y + (int)rows, x + wd - ui_width(more, strlen(more)) - 1, more, wd, A_BOLD);
		free(more);
	}
	panel_free(&p);
}

