/* SPDX-License-Identifier: MIT */
/* hookbox install DIR: a self-contained hookbox copied into DIR.
 *
 *   status = hb_install("/hookbox");   0, 1 (copy failed), 2 (bad DIR)
 *
 * DIR/hookbox then starts the agent with the bundle's own loader and
 * libraries, kept in DIR/hookbox.d (agent/launcher.c). */
#ifndef HB_INSTALL_H
#define HB_INSTALL_H

/* Copies the files the manifest names (the agent's image's, or those of
 * the bundle the agent runs from) into DIR, made if missing, by way of
 * temporary names renamed into place, and prints the bundle's size.
 * Returns the exit status: 0; 1 when there is nothing to install here or
 * a copy failed (DIR is left as it was); 2 when DIR is not a directory or
 * cannot be written. */
int hb_install(const char *dir);

#endif
