/* tincan-application.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

/**
 * TincanHostOptions:
 * @port: the port, or -1 for the "port" setting
 * @bind_address: (nullable): the address to listen on; %NULL follows "listen-on-lan"
 * @data_dir: (nullable): where the history is kept; %NULL for the user data folder
 * @room_name: (nullable): the room's name; %NULL for "Tincan"
 * @passcode: (nullable): the passcode; %NULL for the "passcode" setting
 * @nick: (nullable): the host's nickname; %NULL for the "nickname" setting
 * @history_length: messages a joiner gets, or -1 for the "history-length" setting
 * @flood_limit: messages one person may send in 5 seconds, or -1 for the default
 *
 * What the command line overrides for this run.
 */
typedef struct
{
  int   port;
  char *bind_address;
  char *data_dir;
  char *room_name;
  char *passcode;
  char *nick;
  int   history_length;
  int   flood_limit;
} TincanHostOptions;

#define TINCAN_TYPE_APPLICATION (tincan_application_get_type ())

G_DECLARE_FINAL_TYPE (TincanApplication, tincan_application, TINCAN, APPLICATION, AdwApplication)

TincanApplication       *tincan_application_new                   (const char        *application_id,
                                                                   GApplicationFlags  flags);
const TincanHostOptions *tincan_application_get_host_options      (TincanApplication *self);
void                     tincan_application_notify_message        (TincanApplication *self,
                                                                   const char        *room_name,
                                                                   TincanMessage     *message);
void                     tincan_application_withdraw_notification (TincanApplication *self);

G_END_DECLS
