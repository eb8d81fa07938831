/* SPDX-License-Identifier: MIT */
/* The agent run from a bundle (hookbox install DIR): where the bundle is,
 * and the environment the command of hookbox exec gets.
 *
 *   hb_bundle_init();                  first thing in main()
 *   const char *root = hb_bundle_root();   DIR/hookbox.d, or NULL
 *   execvpe(file, argv, hb_command_environ());
 */
#ifndef HB_BUNDLE_H
#define HB_BUNDLE_H

/* The manifest of a bundle's files, in its module directory (and in the
 * agent's image, which install copies from): lines "DEST<TAB>SRC", DEST
 * relative to DIR, SRC absolute or relative to DIR. */
#define HB_BUNDLE_MANIFEST "bundle.files"

/* Finds out whether the agent runs from a bundle: the bundle's loader,
 * started by DIR/hookbox, is then /proc/self/exe, in DIR/hookbox.d/lib
 * beside the manifest. If it does, the environment is saved for the
 * command (hb_command_environ) and the agent's own is pointed at the
 * bundle's CA bundle, openssl.cnf and MariaDB plugins, which the image
 * may lack or hold for another libc: SSL_CERT_FILE, SSL_CERT_DIR,
 * OPENSSL_CONF, MARIADB_PLUGIN_DIR, read by OpenSSL, Connector/C and the
 * http module. The image's LD_PRELOAD and LD_AUDIT, which the launcher
 * hands over as HOOKBOX_SAVED_LD_PRELOAD and HOOKBOX_SAVED_LD_AUDIT, are
 * the command's again. Call once, before anything reads the environment. */
void hb_bundle_init(void);
/* DIR/hookbox.d of the bundle the agent runs from, or NULL. */
const char *hb_bundle_root(void);
/* The environment the agent was started with, before hb_bundle_init
 * changed its own: what the command of hookbox exec gets. */
char **hb_command_environ(void);

#endif
