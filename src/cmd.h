/*
 * cmd.h: the command functions the table in cli.c lists. Each takes the
 * arguments after its command words and returns an exit status.
 */
#ifndef SANDLAB_CMD_H
#define SANDLAB_CMD_H

#include "cli.h"

int cmd_image_ls(struct cli *c, int argc, char **argv);
int cmd_image_import(struct cli *c, int argc, char **argv);
int cmd_image_scan(struct cli *c, int argc, char **argv);
int cmd_image_rm(struct cli *c, int argc, char **argv);

int cmd_node_create(struct cli *c, int argc, char **argv);
int cmd_node_ls(struct cli *c, int argc, char **argv);
int cmd_node_show(struct cli *c, int argc, char **argv);
int cmd_node_set(struct cli *c, int argc, char **argv);
int cmd_node_rename(struct cli *c, int argc, char **argv);
int cmd_node_reset(struct cli *c, int argc, char **argv);
int cmd_node_rm(struct cli *c, int argc, char **argv);

int cmd_node_start(struct cli *c, int argc, char **argv);
int cmd_node_stop(struct cli *c, int argc, char **argv);
int cmd_node_kill(struct cli *c, int argc, char **argv);
int cmd_node_restart(struct cli *c, int argc, char **argv);
int cmd_node_cmd(struct cli *c, int argc, char **argv);
int cmd_console(struct cli *c, int argc, char **argv);
int cmd_vnc(struct cli *c, int argc, char **argv);
int cmd_accel(struct cli *c, int argc, char **argv);
int cmd_keeper(struct cli *c, int argc, char **argv);

#endif
