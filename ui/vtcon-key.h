/*
 * vtcon-key.h: the user's keys and pastes as bytes for a guest. A key
 * decoded by ui/input (libtickit) is re-encoded by libvterm for the guest's own
 * modes (DECCKM cursor keys, keypad mode, newline mode, bracketed paste);
 * the bytes leave through the vtcon's output callback. Nothing here reads
 * the keyboard or decides which keys the dashboard keeps for itself.
 */
#ifndef SANDLAB_VTCON_KEY_H
#define SANDLAB_VTCON_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "vtcon.h"

/* Sends key to the guest. Returns false, sending nothing, for what is not
 * a key a terminal sends (mouse events, reports, unknown keysyms, F13 and
 * beyond). */
bool vtcon_key(struct vtcon *vc, const struct input_key *key);

/* Sends text as a paste: between ESC [200~ and ESC [201~ when the guest
 * turned bracketed paste on. Line ends go as CR (as a terminal sends
 * Enter); other control characters, invalid UTF-8 and C1 controls are
 * dropped, so a paste can neither end the bracket early nor smuggle an
 * escape sequence. */
void vtcon_paste(struct vtcon *vc, const char *text, size_t len);

#endif
