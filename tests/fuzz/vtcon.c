/*
 * tests/fuzz/vtcon.c: a libFuzzer target for a console's input path
 * (vtfeed, libvterm's state layer, the vtcon grid and scrollback). Built
 * only by `make fuzz` (clang); run as build/fuzz/vtcon -max_total_time=60.
 * The bounded, fixed-seed fuzzing that runs with the tests is
 * tests/unit/test_vtcon_fuzz.c.
 *
 * Input: byte 0 picks the rows, byte 1 the columns, byte 2 the size of
 * the chunks the rest is fed in (reads split anywhere); a chunk that
 * starts with 0xFE resizes to its next two bytes instead.
 */
#include <stddef.h>
#include <stdint.h>

#include "vtcon.h"

static void
check(struct vtcon *vc)
{
	int rows, cols;
	VTermPos pos;

	vtcon_size(vc, &rows, &cols);
	vterm_state_get_cursorpos(vterm_obtain_state(vtcon_vterm(vc)), &pos);
	if (pos.row < 0 || pos.row >= rows || pos.col < 0 || pos.col >= cols)
		__builtin_trap(); /* libvterm would index out of bounds next */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtcon *vc;
	size_t chunk, i;

	if (size < 3)
		return 0;
	vc = vtcon_new(1 + data[0] % 60, 1 + data[1] % 200, 50);
	chunk = 1 + data[2] % 97;
	for (i = 3; i < size; i += chunk) {
		size_t n = size - i < chunk ? size - i : chunk;

		if (data[i] == 0xfe && n >= 3)
			vtcon_resize(vc, 1 + data[i + 1] % 60, 1 + data[i + 2] % 200);
		else
			vtcon_feed(vc, data + i, n);
		check(vc);
	}
	vtcon_free(vc);
	return 0;
}
