/*
 * term.h: the outer terminal. Takes it over (curses, raw mode, mouse and
 * bracketed paste reporting) and gives it back on every way out: normal
 * exit, fatal() (through fatal_set_hook) and crash or termination signals,
 * whose handler restores with async-signal-safe writes and re-raises.
 */
#ifndef SANDLAB_UI_TERM_H
#define SANDLAB_UI_TERM_H

#include <stddef.h>
#include <stdio.h>

/* A curses screen on out and in: of TERM's terminfo entry, or, when
 * COLORTERM says the terminal shows 24-bit colour (truecolor, 24bit) and
 * TERM's entry has no direct colour, of its -direct sibling (tmux-256color:
 * tmux-direct, xterm-256color: xterm-direct) where terminfo has one.
 * NULL when TERM is unknown. */
struct screen *term_newterm(FILE *out, FILE *in);

/* Starts curses on the terminal of fd 0/1. Returns -1 with a message
 * when stdin or stdout is not a terminal or the terminal is unknown. */
int term_start(char *why, size_t whylen);

/* Gives the terminal back (idempotent). */
void term_stop(void);

/* The signal number carried by the self-pipe: term_start routes SIGWINCH
 * there; read its fd in the loop. */
int term_signal_fd(void);

/* Reads pending signal numbers from the self-pipe; returns 1 when a
 * SIGWINCH was among them. */
int term_signal_drain(void);

/* Asks the kernel for the size and tells curses; returns 1 on change. */
int term_resize(void);

#endif
