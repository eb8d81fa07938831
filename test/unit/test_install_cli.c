/* SPDX-License-Identifier: MIT */
/* Unit tests of hookbox install's command line: one DIR, said when missing. */
#include "hbtest.h"

#include "cli.h"

static int parse(struct hb_cli *cli, char *err, size_t errlen, int argc,
		 char **argv)
{
	err[0] = '\0';
	return hb_cli_parse(argc, argv, cli, err, errlen);
}

HB_TEST(install_takes_one_dir)
{
	struct hb_cli cli;
	char err[256];
	char *argv[] = { "hookbox", "install", "/hookbox", NULL };
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), 3, argv), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_INSTALL);
	ASSERT_STREQ(cli.install_dir, "/hookbox");
	hb_cli_release(&cli);
}

HB_TEST(install_without_dir_or_with_two)
{
	struct hb_cli cli;
	char err[256];
	char *none[] = { "hookbox", "install", NULL };
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), 2, none), -1);
	ASSERT_STREQ(err, "install: missing DIR (hookbox install DIR)");
	char *empty[] = { "hookbox", "install", "", NULL };
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), 3, empty), -1);
	ASSERT_CONTAINS(err, "missing DIR");
	char *two[] = { "hookbox", "install", "/a", "/b", NULL };
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), 4, two), -1);
	ASSERT_STREQ(err, "install: unexpected argument \"/b\" (hookbox install DIR)");
}

HB_TEST(usage_names_install)
{
	ASSERT_CONTAINS(hb_cli_usage, "hookbox install DIR");
}

HB_TEST_MAIN(install_takes_one_dir, install_without_dir_or_with_two,
	     usage_names_install)
