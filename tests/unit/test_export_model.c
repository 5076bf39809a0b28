/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for export_model.c and the five generators it dispatches to:
 * pure functions from a model to files, so each mapping and each refusal
 * is checked here without a file system. Byte-exact whole files are the
 * golden tests' job (tests/export).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "export_model.h"
#include "harness.h"

static struct export_proc procs[2];
static struct export_var env[1];
static struct export_model model;

static void reset(void)
{
	memset(procs, 0, sizeof(procs));
	procs[0] = (struct export_proc){ .name = "web",
					 .command = "./server --port \"$PORT\"",
					 .index = 0,
					 .count = 2,
					 .stop_signal = SIGTERM };
	procs[1] = (struct export_proc){ .name = "worker",
					 .command = "./work",
					 .index = 1,
					 .count = 1,
					 .restart = true,
					 .stop_signal = SIGTERM };
	env[0] = (struct export_var){ "GREETING", "hello" };
	model = (struct export_model){ .app = "shop",
				       .root = "/srv/shop",
				       .timeout = 5,
				       .restart_max = 10,
				       .restart_window = 60,
				       .base_port = 5000,
				       .procs = procs,
				       .n_procs = 2,
				       .env = env,
				       .n_env = 1 };
}

static const struct export_file *find(const struct export_out *out, const char *path)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].path, path))
			return &out->v[i];
	return NULL;
}

static bool has(const struct export_out *out, const char *path, const char *text)
{
	const struct export_file *f = find(out, path);

	return f && memmem(f->data, f->len, text, strlen(text));
}

static void test_helpers(void)
{
	struct ready_check r;
	struct qbuf b = { 0 };
	const char *canon;
	char label[64], sig[16];

	CHECK(ready_parse("tcp", &r) == 0 && r.kind == READY_TCP && r.port == 0);
	CHECK(ready_parse("tcp:8080", &r) == 0 && r.port == 8080);
	CHECK(ready_parse("tcp:70000", &r) == EINVAL);
	CHECK(ready_parse("http:/up", &r) == 0 && r.kind == READY_HTTP && !strcmp(r.text, "/up"));
	CHECK(ready_parse("http:9000/up?x", &r) == 0 && r.port == 9000 && !strcmp(r.text, "/up?x"));
	CHECK(ready_parse("http:up", &r) == EINVAL);
	CHECK(ready_parse("exec:true", &r) == 0 && r.kind == READY_EXEC);
	CHECK(ready_parse("exec:", &r) == EINVAL);
	CHECK(ready_parse("notify", &r) == 0 && r.kind == READY_NOTIFY);
	CHECK(ready_parse("udp", &r) == EINVAL);

	export_seconds(&b, 5);
	qb_puts(&b, " ");
	export_seconds(&b, 2.5);
	qb_puts(&b, " ");
	export_seconds(&b, 0.001);
	qb_puts(&b, " ");
	export_seconds(&b, 86400);
	CHECK_STREQ(b.p, "5 2.5 0.001 86400");
	qb_free(&b);
	CHECK(export_seconds_ceil(2.5) == 3 && export_seconds_ceil(2) == 2 &&
	      export_seconds_ceil(0) == 0);

	CHECK(export_dns_label("Web_1", label, sizeof(label)) && !strcmp(label, "web-1"));
	CHECK(!export_dns_label("web_", label, sizeof(label)));
	CHECK(!export_dns_label("-web", label, sizeof(label)));
	CHECK(!export_dns_label("a.b", label, sizeof(label)));
	CHECK(!export_dns_label("x123456789x123456789x123456789x123456789x123456789x123456789x123",
				label, sizeof(label)));

	CHECK(export_find_format("k8s", &canon) == export_kubernetes &&
	      !strcmp(canon, "kubernetes"));
	CHECK(export_find_format("upstart", &canon) == NULL);
	CHECK_STREQ(export_signal(SIGINT, sig), "INT");
	CHECK_STREQ(export_signal(SIGRTMIN + 1, sig), "35");
}

static void test_systemd(void)
{
	struct export_out out = { 0 };

	reset();
	procs[1].ready.kind = READY_NOTIFY;
	procs[1].stop_signal = SIGINT;
	model.timeout = 0;
	CHECK(export_systemd(&model, &out) == 0);
	CHECK(out.n == 4 && find(&out, "shop.target"));
	CHECK(has(&out, "shop.target", "Wants=shop-web-2.service\n"));
	CHECK(has(&out, "shop-web-2.service", "Environment=\"PORT=5001\" \"PS=web.2\"\n"));
	CHECK(has(&out, "shop-web-1.service",
		  "ExecStart=/bin/sh -c \"./server --port \\\"$$PORT\\\"\"\n"));
	CHECK(has(&out, "shop-web-1.service",
		  "TimeoutStopSec=1ms\n")); /* 0 means "none" to systemd */
	CHECK(has(&out, "shop-web-1.service", "Restart=no\n"));
	CHECK(has(&out, "shop-worker-1.service", "Type=notify\nNotifyAccess=all\n"));
	CHECK(has(&out, "shop-worker-1.service", "StartLimitBurst=11\n"));
	CHECK(has(&out, "shop-worker-1.service", "KillSignal=SIGINT\n"));
	CHECK(has(&out, "shop-worker-1.service", "Restart=always\n"));
	CHECK(out.n_warnings == 0);
	export_out_free(&out);

	reset();
	procs[0].count = 0;
	procs[0].ready.kind = READY_TCP;
	procs[1].command = "echo caf\xe9";
	CHECK(export_systemd(&model, &out) == EINVAL);
	CHECK_STREQ(out.err,
		    "the command of 'worker' is not valid UTF-8, which a systemd unit cannot carry");
	export_out_free(&out);

	/* systemd refuses unit lines of 1 MiB or more; every '%' doubles. */
	reset();
	char *big = malloc(600 * 1024 + 1);

	memset(big, '%', 600 * 1024);
	big[600 * 1024] = '\0';
	env[0].value = big;
	CHECK(export_systemd(&model, &out) == EINVAL);
	CHECK_STREQ(out.err,
		    "the value of GREETING is too long for a systemd unit line (1 MiB escaped)");
	export_out_free(&out);
	free(big);
}

static void test_supervisord(void)
{
	struct export_out out = { 0 };

	reset();
	procs[0].ready.kind = READY_TCP;
	CHECK(export_supervisord(&model, &out) == 0 && out.n == 1);
	CHECK(has(&out, "shop.conf",
		  "[group:shop]\nprograms=shop-web-1,shop-web-2,shop-worker-1\n"));
	CHECK(has(&out, "shop.conf",
		  "command=/usr/bin/env GREETING=hello /bin/sh -c "
		  "'./server --port \"$PORT\"'\n"));
	CHECK(has(&out, "shop.conf", "environment=PORT=\"5001\",PS=\"web.2\"\n"));
	CHECK(has(&out, "shop.conf", "autorestart=false\nstartsecs=0\n"));
	CHECK(out.n_warnings == 1 && strstr(out.warnings[0], "--ready web=tcp"));
	export_out_free(&out);

	reset();
	env[0].value = "a\r\nb";
	CHECK(export_supervisord(&model, &out) == EINVAL);
	CHECK_STREQ(out.err, "the value of GREETING contains a carriage return, which a supervisord "
			     "config cannot carry");
	export_out_free(&out);
}

static void test_runit(void)
{
	struct export_out out = { 0 };

	reset();
	procs[1].stop_signal = SIGQUIT;
	model.user = "app";
	CHECK(export_runit(&model, &out) == 0);
	CHECK(find(&out, "shop-web-1/finish") && !find(&out, "shop-worker-1/finish"));
	CHECK(find(&out, "shop-web-1/run")->mode == 0755);
	CHECK(!find(&out, "shop-web-1/log/run"));
	CHECK(has(&out, "shop-web-2/run",
		  "export PORT=5001 PS=web.2\n"
		  "exec chpst -P -u app /bin/sh -c './server --port \"$PORT\"'\n"));
	CHECK(has(&out, "shop-worker-1/control/t",
		  "exec kill -s QUIT -- \"-$(cat supervise/pid)\"\n"));
	CHECK(has(&out, "shop-worker-1/control/k", "exec kill -s KILL --"));
	export_out_free(&out);

	model.log_dir = "/var/log/shop";
	CHECK(export_runit(&model, &out) == 0);
	CHECK(has(&out, "shop-web-1/log/run",
		  "exec chpst -u app svlogd -tt /var/log/shop/shop-web-1\n"));
	export_out_free(&out);
}

static void test_compose(void)
{
	struct export_out out = { 0 };

	/* Without --image, export.c refuses compose first (tests/export/test_export_cli.py). */
	reset();
	model.image = "shop:1";
	procs[0].count = 0;
	procs[1].stop_signal = SIGINT;
	procs[1].ready = (struct ready_check){ .kind = READY_EXEC, .text = "test -f $X" };
	CHECK(export_compose(&model, &out) == 0 && out.n == 1);
	CHECK(has(&out, "compose.yaml", "      replicas: 0\n")); /* a type scaled to 0 stays, at 0 */
	CHECK(has(&out, "compose.yaml",
		  "command: [\"/bin/sh\", \"-c\", \"./server --port \\\"$$PORT\\\"\"]\n"));
	CHECK(has(&out, "compose.yaml",
		  "entrypoint: [\"/procinit\", \"-g\", \"-r\", \"TERM:INT\", "
		  "\"-t\", \"5\", \"--\"]\n"));
	CHECK(has(&out, "compose.yaml", "stop_grace_period: \"7s\"\n"));
	CHECK(has(&out, "compose.yaml", "restart: \"unless-stopped\"\n"));
	CHECK(has(&out, "compose.yaml", "test: [\"CMD\", \"/bin/sh\", \"-c\", \"test -f $$X\"]\n"));
	CHECK(has(&out, "compose.yaml", "      \"PORT\": \"5100\"\n      \"PS\": \"worker\"\n"));
	export_out_free(&out);
}

static void test_kubernetes(void)
{
	struct export_out out = { 0 };

	reset();
	model.image = "shop:1";
	model.user = "1000";
	model.timeout = 2.5;
	procs[0].ready = (struct ready_check){ .kind = READY_HTTP, .text = "/up" };
	procs[1].ready.kind = READY_LOG;
	CHECK(export_kubernetes(&model, &out) == 0 && out.n == 1);
	CHECK(has(&out, "shop.yaml", "  replicas: 2\n"));
	CHECK(has(&out, "shop.yaml", "terminationGracePeriodSeconds: 5\n"));
	CHECK(has(&out, "shop.yaml", "runAsUser: 1000\n"));
	CHECK(has(&out, "shop.yaml",
		  "args: [\"/bin/sh\", \"-c\", \"./server --port \\\"$$PORT\\\"\"]\n"));
	CHECK(has(&out, "shop.yaml",
		  "httpGet:\n              path: \"/up\"\n              port: 5000\n"));
	CHECK(has(&out, "shop.yaml", "  \"GREETING\": \"hello\"\n"));
	CHECK(out.n_warnings == 1 && strstr(out.warnings[0], "--ready worker=log"));
	export_out_free(&out);

	model.user = "app";
	CHECK(export_kubernetes(&model, &out) == EINVAL && strstr(out.err, "numeric uid"));
	export_out_free(&out);

	model.user = NULL;
	procs[1].name = "WEB";
	CHECK(export_kubernetes(&model, &out) == EINVAL);
	CHECK_STREQ(out.err, "processes 'web' and 'WEB' both map to the Kubernetes name 'shop-web'");
	export_out_free(&out);

	procs[1].name = "worker";
	model.app = "1shop";
	CHECK(export_kubernetes(&model, &out) == EINVAL &&
	      strstr(out.err, "cannot be named '1shop-web'"));
	export_out_free(&out);
}

int main(void)
{
	test_helpers();
	test_systemd();
	test_supervisord();
	test_runit();
	test_compose();
	test_kubernetes();
	return harness_report("test_export_model");
}
