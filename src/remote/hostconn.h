/*
 * hostconn.h: one ssh per (lab, host), shared by the keepers of the lab's
 * nodes on that host. Each keeper holds its own libvirt connection, but
 * over a qemu+ssh:// URI libvirt ran one ssh (and the host one sshd and
 * one nc) per connection: 500 nodes on 10 hosts were 500 ssh processes
 * here. Instead, one ssh forwards the host's libvirt socket to a unix
 * socket in the lab's run folder (run/hosts/HOST.sock, 0600, in a 0700
 * folder: no other local user reaches it), and the keepers connect to
 * that with qemu+unix://.
 *
 * The ssh is the child of a small holder process (`sandlab __hostconn`,
 * detached like a keeper) that counts its users: every keeper keeps a
 * connection to the holder's socket (HOST.ctl) open for as long as it
 * uses the forward. The first keeper that needs it starts the holder;
 * when the last keeper's connection closes (it stopped, or died), the
 * holder ends ssh and itself; when ssh dies (the host went away), the
 * holder removes its sockets and ends, every keeper's libvirt connection
 * drops, and the first keeper that tries again starts a new one. A lock
 * (HOST.lock) orders starting and ending, so a keeper never joins a
 * holder that is going.
 */
#ifndef SANDLAB_HOSTCONN_H
#define SANDLAB_HOSTCONN_H

#include "util.h"

/* How long the holder waits for ssh to forward the socket. */
#define HOSTCONN_START_MS 30000

/* A keeper's use of its host. */
struct hostconn {
	char *uri;   /* what to connect libvirt with: through the shared ssh, or the host's own URI */
	int   fd;    /* held while the keeper uses the shared ssh, or -1 (the host's own URI) */
};

/* The connection to the host `name` (URI uri) for a keeper of the lab
 * whose run folder is run: through the lab's shared ssh to that host,
 * started now when none runs (waiting at most HOSTCONN_START_MS for it),
 * or, for a URI that cannot go so (remote_ssh_link), the URI itself.
 * 0 with *hc (hostconn_close it), or -1 with why (the words ssh ended
 * with, sanitised). */
int hostconn_open(const char *run, const char *name, const char *uri, struct hostconn *hc,
    struct err *e);

/* The lab's lock file of `what` on host `name` (a word of sandlab's own,
 * as "vol-image-ID"): run/hosts/NAME.locks/WHAT.lock, 0600 in a 0700
 * folder, made when missing. Every keeper of the lab runs on this
 * machine, so an flock on it orders what they do to one thing on the
 * host. Its descriptor, not yet locked (close it to let go), or -1 with
 * why. */
int hostconn_lock_file(const char *run, const char *name, const char *what, struct err *e);

/* Lets go of the host: the holder ends its ssh when this was its last
 * user. Safe on a cleared or closed hc. */
void hostconn_close(struct hostconn *hc);

/* `sandlab __hostconn LOCK CTL SOCK LOG -- SSH-ARGV...`: the holder
 * (started by hostconn_open, which reads one line from descriptor 3:
 * "ok", or why ssh did not forward). Its exit status. */
int hostconn_main(int argc, char **argv);

#endif
