/*
 * images/tiny/tiny.S - the "tiny" and "flood" test guests of sandlab.
 *
 * A whole guest in one 512-byte x86 boot sector (16-bit real mode, GNU as
 * syntax).  The BIOS loads it at 0x7c00 and jumps to it.  It sets COM1 up
 * (0x3F8, 115200 baud, 8N1, FIFOs on), prints the banner "tiny login: " and
 * then, in the default build ("tiny"):
 *
 *   echoes every byte received on COM1 back unchanged, except CR (0x0D),
 *   which goes back as CR LF.  All 256 byte values pass through untouched,
 *   so tests can see exactly which bytes a terminal key produces.
 *
 * Receiving is interrupt driven: the UART raises IRQ4 when a byte arrives,
 * the handler drains the receive FIFO, and in between the CPU sits in
 * "sti; hlt".  An idle guest therefore costs no host CPU, even under TCG
 * with many copies running.  Every other IRQ line is masked and the BIOS
 * timer is stopped, so nothing wakes the CPU but the serial port.
 *
 * Built with --defsym FLOOD=1 ("flood"), it instead writes an endless
 * stream of numbered lines as fast as the UART takes them (16-byte bursts
 * into the empty transmit FIFO), each line 81 bytes:
 *
 *   "flood NNNNNNNN " + 64 characters A-Z a-z 0-9 + / + CR LF
 *
 * NNNNNNNN is a decimal line number from 00000000 (it wraps after
 * 99999999), so a reader can tell whether lines were lost.  The flood guest
 * ignores input.
 *
 * Build (images/build does this):
 *   as --32 [--defsym FLOOD=1] -o tiny.o tiny.S
 *   ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o tiny.bin tiny.o
 */

	.code16
	.text
	.globl	_start

	.equ	COM1,     0x3f8		/* base I/O port of the first UART */
	.equ	UART_RBR, COM1 + 0	/* receive buffer (read, DLAB=0) */
	.equ	UART_THR, COM1 + 0	/* transmit holding (write, DLAB=0) */
	.equ	UART_DLL, COM1 + 0	/* divisor latch low (DLAB=1) */
	.equ	UART_IER, COM1 + 1	/* interrupt enable (DLAB=0) */
	.equ	UART_DLM, COM1 + 1	/* divisor latch high (DLAB=1) */
	.equ	UART_FCR, COM1 + 2	/* FIFO control (write) */
	.equ	UART_LCR, COM1 + 3	/* line control */
	.equ	UART_MCR, COM1 + 4	/* modem control */
	.equ	UART_LSR, COM1 + 5	/* line status */

	.equ	LSR_DR,   0x01		/* a received byte is waiting */
	.equ	LSR_THRE, 0x20		/* transmitter can take a byte */

	.equ	PIC1_CMD,  0x20		/* master 8259: command port */
	.equ	PIC1_DATA, 0x21		/* master 8259: interrupt mask */
	.equ	PIC2_DATA, 0xa1		/* slave 8259: interrupt mask */
	.equ	PIC_EOI,   0x20

	.equ	IRQ4_VECTOR, 0x0c	/* BIOS maps master IRQ0..7 to 0x08.. */

	.equ	PIT_CH0,  0x40		/* 8254 timer, channel 0 counter */
	.equ	PIT_CMD,  0x43		/* 8254 timer, mode/command register */

_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp		/* stack grows down below the code */
	ljmp	$0, $start		/* some BIOSes enter at 07C0:0000 */
start:
	cld

	/* --- COM1: 115200 baud, 8 data bits, no parity, 1 stop bit --- */
	mov	$UART_IER, %dx
	xor	%al, %al
	out	%al, %dx		/* no UART interrupts while we set up */
	mov	$UART_LCR, %dx
	mov	$0x80, %al
	out	%al, %dx		/* DLAB=1: expose the baud divisor */
	mov	$UART_DLL, %dx
	mov	$1, %al
	out	%al, %dx		/* divisor 1 = 115200 baud */
	mov	$UART_DLM, %dx
	xor	%al, %al
	out	%al, %dx
	mov	$UART_LCR, %dx
	mov	$0x03, %al
	out	%al, %dx		/* DLAB=0, 8N1 */
	mov	$UART_FCR, %dx
	mov	$0x07, %al
	out	%al, %dx		/* FIFOs on and cleared, trigger at 1 byte */
	mov	$UART_MCR, %dx
	mov	$0x0b, %al
	out	%al, %dx		/* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */

	mov	$banner, %si
	call	puts

.ifdef FLOOD
	/* --- flood: print numbered lines forever, no interrupts needed --- */
flood_loop:
	mov	$line, %si
burst:					/* the FIFO takes 16 bytes once empty */
	mov	$UART_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	mov	$UART_THR, %dx
	mov	$16, %cx
2:	lodsb
	test	%al, %al
	jz	line_done
	out	%al, %dx
	loop	2b
	jmp	burst
line_done:
	mov	$digits_end - 1, %bx	/* add one to the ASCII counter */
	mov	$8, %cx
bump:
	incb	(%bx)
	cmpb	$'9', (%bx)
	jbe	flood_loop
	movb	$'0', (%bx)
	dec	%bx
	loop	bump
	jmp	flood_loop
.else
	/* --- tiny: echo, driven by IRQ4 --- */
	movw	$irq4, IRQ4_VECTOR * 4		/* IVT entry = 0000:irq4 */
	movw	$0, IRQ4_VECTOR * 4 + 2
	mov	$0xef, %al
	out	%al, $PIC1_DATA		/* master PIC: only IRQ4 may interrupt */
	mov	$0xff, %al
	out	%al, $PIC2_DATA		/* slave PIC: nothing */
	/*
	 * Stop the BIOS's 18.2 Hz timer: channel 0 in mode 0 counts down once
	 * and then stays quiet.  Its IRQ is masked anyway, but QEMU would go on
	 * emulating every tick (about 0.5% of a host core per idle guest).
	 */
	mov	$0x30, %al		/* channel 0, low byte then high, mode 0 */
	out	%al, $PIT_CMD
	xor	%al, %al
	out	%al, $PIT_CH0
	out	%al, $PIT_CH0
	mov	$UART_IER, %dx
	mov	$0x01, %al
	out	%al, %dx		/* interrupt on "received data available" */
	call	drain			/* bytes that came in before this point */
idle:
	sti
	hlt				/* sleep until the next interrupt */
	jmp	idle

/* IRQ4: echo whatever is in the receive FIFO, then acknowledge. */
irq4:
	push	%ax
	push	%dx
	call	drain
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%dx
	pop	%ax
	iret

/* drain: echo received bytes until the FIFO is empty (CR -> CR LF). */
drain:
	mov	$UART_LSR, %dx
	in	%dx, %al
	test	$LSR_DR, %al
	jz	1f
	mov	$UART_RBR, %dx
	in	%dx, %al
	call	putc
	cmp	$0x0d, %al
	jne	drain
	mov	$0x0a, %al
	call	putc
	jmp	drain
1:	ret
.endif

/* puts: send the NUL-terminated string at %si.  Clobbers %si, %al, %dx. */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* putc: send %al once the transmitter has room.  Clobbers %dx. */
putc:
	push	%ax
	mov	$UART_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$UART_THR, %dx
	out	%al, %dx
	ret

banner:
	.asciz	"tiny login: "

.ifdef FLOOD
line:
	.ascii	"flood "
digits:
	.ascii	"00000000"
digits_end:
	.ascii	" ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	.asciz	"\r\n"
.endif

	/* pad to 510 bytes and end with the boot signature 0x55 0xAA */
	.org	510
	.byte	0x55, 0xaa
