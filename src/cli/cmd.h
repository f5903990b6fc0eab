/*
 * cmd.h: the command functions the table in cli.c lists. Each takes the
 * arguments after its command words and returns an exit status.
 */
#ifndef SANDLAB_CMD_H
#define SANDLAB_CMD_H

#include "cli.h"

/* `__vtcat` (argv[0]): the hidden console viewer; no struct cli, no lab. */
int cmd_vtcat(int argc, char **argv);

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

int cmd_nic_ls(struct cli *c, int argc, char **argv);
int cmd_nic_set(struct cli *c, int argc, char **argv);
int cmd_nic_forward(struct cli *c, int argc, char **argv);
int cmd_nic_unforward(struct cli *c, int argc, char **argv);
int cmd_link_add(struct cli *c, int argc, char **argv);
int cmd_link_ls(struct cli *c, int argc, char **argv);
int cmd_link_rm(struct cli *c, int argc, char **argv);
int cmd_lab_export(struct cli *c, int argc, char **argv);
int cmd_lab_import(struct cli *c, int argc, char **argv);
int cmd_node_clone(struct cli *c, int argc, char **argv);
int cmd_snapshot_create(struct cli *c, int argc, char **argv);
int cmd_snapshot_ls(struct cli *c, int argc, char **argv);
int cmd_snapshot_apply(struct cli *c, int argc, char **argv);
int cmd_snapshot_rm(struct cli *c, int argc, char **argv);

/* Shared by node show: a node's NICs (with links, forwards, and what
 * waits for a restart) as JSON, and as a table with each line indented. */
json_t *cmd_net_nics_json(struct lab *lab, const char *node_id);
int cmd_net_nics_print(struct lab *lab, const char *node_id, const char *name, const char *indent);

#endif
