/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/ctlpath.c: the places of the control socket in order,
 * sun_path's limit, the private name derived from the absolute root, and the
 * root as `start` computes it from -d and -f. Single-threaded; no locks.
 */
#include <stdio.h>
#include <string.h>

#include "ctlpath.h"
#include "harness.h"

static struct ctlpath p[CTLPATH_PLACES];

static void test_given(void)
{
	char long_path[200];

	CHECK(ctlpath_places("/run/app.sock", ".", "/srv/app", "/run/user/0", 0, p) == 1);
	CHECK(p[0].kind == CTLPATH_GIVEN);
	CHECK_STREQ(p[0].path, "/run/app.sock");
	memset(long_path, 'a', 107);
	long_path[107] = '\0';
	CHECK(ctlpath_places(long_path, ".", NULL, NULL, 0, p) == 1);
	long_path[107] = 'a';
	long_path[108] = '\0';
	CHECK(ctlpath_places(long_path, ".", NULL, NULL, 0, p) == 0);
}

static void test_default_and_private(void)
{
	char hash[32];

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)ctlpath_hash("/srv/app"));
	CHECK(strlen(hash) == 16);
	CHECK(ctlpath_places(NULL, ".", "/srv/app", NULL, 1000, p) == 2);
	CHECK(p[0].kind == CTLPATH_DEFAULT);
	CHECK_STREQ(p[0].path, "./.procinit.sock");
	CHECK(p[1].kind == CTLPATH_PRIVATE);
	CHECK_STREQ(p[1].dir, "/tmp/procinit-1000");
	CHECK(!strncmp(p[1].path, "/tmp/procinit-1000/", 19) &&
	      !strcmp(p[1].path + 19 + 16, ".sock"));
	CHECK(!strncmp(p[1].path + 19, hash, 16));

	CHECK(ctlpath_places(NULL, "/srv/app/", "/srv/app", "/run/user/1000", 1000, p) == 3);
	CHECK_STREQ(p[0].path, "/srv/app/.procinit.sock");
	CHECK_STREQ(p[1].dir, "/run/user/1000/procinit");
	CHECK(!strncmp(p[1].path, "/run/user/1000/procinit/", 24));
	CHECK_STREQ(p[2].dir, "/tmp/procinit-1000");

	/* A relative or empty XDG_RUNTIME_DIR is ignored, as the spec says. */
	CHECK(ctlpath_places(NULL, "app", "/srv/app", "run", 0, p) == 2);
	CHECK_STREQ(p[0].path, "app/.procinit.sock");
	CHECK_STREQ(p[1].dir, "/tmp/procinit-0");
	CHECK(ctlpath_places(NULL, "app", "/srv/app", "", 0, p) == 2);
	/* Without the absolute root there is no private name. */
	CHECK(ctlpath_places(NULL, "app", NULL, "/run/user/0", 0, p) == 1);
	/* Different roots, different names. */
	CHECK(ctlpath_hash("/srv/a") != ctlpath_hash("/srv/b"));
	CHECK(ctlpath_hash("") == 14695981039346656037ULL);
}

static void test_too_long(void)
{
	char root[120];

	/* A root whose .procinit.sock does not fit: only the private place is left. */
	memset(root, 'r', 100);
	root[0] = '/';
	root[100] = '\0';
	CHECK(ctlpath_places(NULL, root, root, NULL, 0, p) == 1);
	CHECK(p[0].kind == CTLPATH_PRIVATE);
	/* An XDG folder too long is skipped for /tmp. */
	CHECK(ctlpath_places(NULL, root, root, root, 0, p) == 1);
	CHECK_STREQ(p[0].dir, "/tmp/procinit-0");
}

static int root_is(const char *root_opt, const char *procfile_opt, const char *want)
{
	size_t n = 99;
	const char *r = ctlpath_root(root_opt, procfile_opt, &n);

	if (n == strlen(want) && !memcmp(r, want, n))
		return 1;
	fprintf(stderr, "  root of (%s, %s): '%.*s', wanted '%s'\n", root_opt ? root_opt : "NULL",
		procfile_opt ? procfile_opt : "NULL", (int)(n < 99 ? n : 99), r, want);
	return 0;
}

static void test_root(void)
{
	CHECK(root_is(NULL, NULL, "."));
	CHECK(root_is("srv", "app/Procfile", "srv"));
	CHECK(root_is(NULL, "app/Procfile", "app"));
	CHECK(root_is(NULL, "Procfile", "."));
	CHECK(root_is(NULL, "-", "."));
	CHECK(root_is(NULL, "/Procfile", "/"));
	CHECK(root_is(NULL, "/srv/app/Procfile.dev", "/srv/app"));
	CHECK(root_is(NULL, "app//Procfile", "app/"));
	CHECK(root_is("", "app/Procfile", ""));
}

int main(void)
{
	test_given();
	test_default_and_private();
	test_too_long();
	test_root();
	return harness_report("test_ctlpath");
}
