#ifndef HANDRAIL_CNCURSESW_SHIM_H
#define HANDRAIL_CNCURSESW_SHIM_H

/*
 * SwiftPM drops the -D flags pkg-config reports for ncursesw, so the wide-character
 * API (add_wch, get_wch, setcchar; ncurses(3X) "wide-character configuration") must be
 * switched on here, before the header is read.
 */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <ncursesw/curses.h>

/* Globals and function-like macros are not importable; these accessors are. */
static inline WINDOW *handrail_stdscr(void) { return stdscr; }
static inline int handrail_lines(void) { return LINES; }
static inline int handrail_cols(void) { return COLS; }
static inline int handrail_colors(void) { return COLORS; }
static inline int handrail_color_pairs(void) { return COLOR_PAIRS; }
static inline int handrail_key_f(int n) { return KEY_F(n); }
static inline int handrail_color_pair(int n) { return (int)COLOR_PAIR(n); }

static inline attr_t handrail_a_normal(void) { return A_NORMAL; }
static inline attr_t handrail_a_bold(void) { return A_BOLD; }
static inline attr_t handrail_a_reverse(void) { return A_REVERSE; }
static inline attr_t handrail_a_underline(void) { return A_UNDERLINE; }
static inline attr_t handrail_a_dim(void) { return A_DIM; }

static inline void handrail_getmaxyx(WINDOW *w, int *y, int *x) {
    int yy, xx;
    getmaxyx(w, yy, xx);
    *y = yy;
    *x = xx;
}

/* Draw one wide character with attributes; setcchar is the portable way (curs_getcchar(3X)). */
static inline int handrail_mvadd_wch(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cell;
    wchar_t text[2] = { ch, L'\0' };
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

#endif
