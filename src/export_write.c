/* SPDX-License-Identifier: MIT */
/*
 * export_write: puts generated files into DIR. A manifest, DIR/.procinit-export,
 * lists what procinit export wrote there (format, app, path): only those
 * files may be overwritten (others need --force) or removed (when an export
 * of the same format and app no longer makes them). Each file is written to
 * a temporary name and renamed over the old one; folders are walked with
 * O_NOFOLLOW so a symlink cannot send a write elsewhere. Main thread; no locks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_write.h"
#include "io.h"
#include "log.h"

#define MANIFEST ".procinit-export"
#define MANIFEST_HEAD \
	"# procinit export: the files it wrote in this folder (format, app, path).\n" \
	"# It overwrites them on the next export and removes those it no longer makes.\n"

struct entry {
	char *format, *app, *path;
};

struct manifest {
	struct entry *v;
	size_t n;
};

/* Paths we generate and accept from a manifest: relative, no "..", no oddities. */
static bool safe_relpath(const char *p)
{
	const char *seg = p;

	if (!*p || *p == '/')
		return false;
	for (const char *c = p;; c++) {
		if (*c == '/' || !*c) {
			size_t n = (size_t)(c - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && !strncmp(seg, "..", 2)))
				return false;
			if (!*c)
				return true;
			seg = c + 1;
		} else if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-",
				   *c)) {
			return false;
		}
	}
}

static void manifest_add(struct manifest *m, const char *format, const char *app, const char *path)
{
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n].format = xstrdup(format);
	m->v[m->n].app = xstrdup(app);
	m->v[m->n].path = xstrdup(path);
	m->n++;
}

static void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].format);
		free(m->v[i].app);
		free(m->v[i].path);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static const struct entry *manifest_find(const struct manifest *m, const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].path, path))
			return &m->v[i];
	return NULL;
}

/* Reads DIR's manifest, if any. Lines it cannot use are skipped with a warning. 0 or 2. */
static int manifest_read(int dfd, const char *dir, struct manifest *m)
{
	char *buf, *save = NULL;
	size_t len;
	int fd = openat(dfd, MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), err;

	if (fd < 0 && errno == ENOENT)
		return 0;
	err = fd < 0 ? errno : io_read_fd(fd, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (err) {
		log_error("%s/%s: %s", dir, MANIFEST, strerror(err));
		return 2;
	}
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f = line, *a = strchr(f, ' '), *p = a ? strchr(a + 1, ' ') : NULL;

		if (*line == '#')
			continue;
		if (!p || !safe_relpath(p + 1)) {
			log_warn("%s/%s: ignoring line '%.80s'", dir, MANIFEST, line);
			continue;
		}
		*a = *p = '\0';
		manifest_add(m, f, a + 1, p + 1);
	}
	free(buf);
	return 0;
}

/*
 * Opens the folder that holds REL (relative to DFD), creating missing
 * folders when CREATE, never following a symlink. Returns the fd (or -1
 * with errno) and points *LEAF at REL's last component.
 */
static int open_parent(int dfd, const char *rel, bool create, const char **leaf)
{
	char part[256];
	const char *seg = rel, *slash;
	int fd = dup(dfd);

	while (fd >= 0 && (slash = strchr(seg, '/'))) {
		size_t n = (size_t)(slash - seg);
		int next;

		if (n >= sizeof(part)) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(part, seg, n);
		part[n] = '\0';
		if (create && mkdirat(fd, part, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		seg = slash + 1;
	}
	*leaf = seg;
	return fd;
}

/* True when LEAF in PFD already holds exactly F's bytes and mode. */
static bool unchanged(int pfd, const char *leaf, const struct export_file *f)
{
	int fd = openat(pfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool same = false;
	char *buf;
	size_t len;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == f->mode &&
	    (size_t)st.st_size == f->len && io_read_fd(fd, &buf, &len) == 0) {
		same = len == f->len && !memcmp(buf, f->data, len);
		free(buf);
	}
	close(fd);
	return same;
}

/* Temporary file, then rename: a reader sees the old file or the new one. 0 or errno. */
static int write_atomic(int pfd, const char *leaf, const char *data, size_t len, unsigned mode)
{
	char tmp[320];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), ".%s.procinit-tmp-%ld", leaf, (long)getpid());
	unlinkat(pfd, tmp, 0); /* left over by a run with our pid that was killed */
	fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	err = io_write_all(fd, data, len);
	if (!err && fchmod(fd, mode) < 0)
		err = errno;
	if (!err && fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && renameat(pfd, tmp, pfd, leaf) < 0)
		err = errno;
	if (err)
		unlinkat(pfd, tmp, 0);
	return err;
}

/* 1 written, 0 unchanged, -1 failed (reported). */
static int put_file(int dfd, const char *dir, const struct export_file *f)
{
	const char *leaf;
	int pfd = open_parent(dfd, f->path, true, &leaf), err;

	if (pfd < 0) {
		log_error("%s/%s: %s", dir, f->path, strerror(errno));
		return -1;
	}
	if (unchanged(pfd, leaf, f)) {
		close(pfd);
		return 0;
	}
	err = write_atomic(pfd, leaf, f->data, f->len, f->mode);
	close(pfd);
	if (err) {
		log_error("%s/%s: %s", dir, f->path, strerror(err));
		return -1;
	}
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->format, y->format);

	if (!c)
		c = strcmp(x->app, y->app);
	return c ? c : strcmp(x->path, y->path);
}

static int manifest_write(int dfd, const char *dir, struct manifest *m)
{
	struct export_file f = { .path = MANIFEST, .mode = 0644 };
	struct qbuf b = { 0 };
	int rc;

	qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
	qb_puts(&b, MANIFEST_HEAD);
	for (size_t i = 0; i < m->n; i++)
		qb_printf(&b, "%s %s %s\n", m->v[i].format, m->v[i].app, m->v[i].path);
	if (b.oom)
		log_die(1, "out of memory");
	f.data = b.p;
	f.len = b.len;
	rc = put_file(dfd, dir, &f) < 0 ? 2 : 0;
	qb_free(&b);
	return rc;
}

static bool in_output(const struct export_out *out, const char *path)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].path, path))
			return true;
	return false;
}

/* Every file that may not be written: not ours (without --force), or another export's. */
static int conflicts(int dfd, const char *dir, const char *format, const char *app,
		     const struct manifest *old, const struct export_out *out, bool force)
{
	int rc = 0;

	for (size_t i = 0; i < out->n; i++) {
		const struct entry *e = manifest_find(old, out->v[i].path);
		struct stat st;

		if (!safe_relpath(out->v[i].path)) {
			log_error("export: refusing the path '%s'", out->v[i].path);
			rc = 2;
			continue;
		}
		if (fstatat(dfd, out->v[i].path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			log_error("%s/%s is a folder", dir, out->v[i].path);
			rc = 2;
		} else if (force) {
			continue;
		} else if (!e) {
			log_error("%s/%s exists and was not written by procinit export (--force "
				  "overwrites it)",
				  dir, out->v[i].path);
			rc = 2;
		} else if (strcmp(e->format, format) || strcmp(e->app, app)) {
			log_error("%s/%s was written by `procinit export %s` for app '%s' (--force "
				  "overwrites it)",
				  dir, out->v[i].path, e->format, e->app);
			rc = 2;
		}
	}
	return rc;
}

/* Removes REL and then its folders, as far as they are empty. */
static void remove_stale(int dfd, const char *dir, const char *rel)
{
	char *path = xstrdup(rel), *slash;
	struct stat st;

	if (fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, rel, 0) == 0)
			printf("removed %s/%s\n", dir, rel);
		else
			log_warn("%s/%s: %s", dir, rel, strerror(errno));
	}
	while ((slash = strrchr(path, '/'))) {
		*slash = '\0';
		if (unlinkat(dfd, path, AT_REMOVEDIR) < 0)
			break;
	}
	free(path);
}

static int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				log_error("%s: %s", p, strerror(errno));
				rc = 2;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int export_write(const char *dir_arg, const char *format, const char *app,
		 const struct export_out *out, bool force)
{
	struct manifest old = { 0 }, next = { 0 };
	char *dir = xstrdup(dir_arg);
	size_t n = strlen(dir);
	int dfd, rc;

	while (n > 1 && dir[n - 1] == '/') /* "out/" prints as "out/FILE", not "out//FILE" */
		dir[--n] = '\0';
	rc = mkdir_p(dir);
	if (rc) {
		free(dir);
		return 2;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		log_error("%s: %s", dir, strerror(errno));
		free(dir);
		return 2;
	}
	rc = manifest_read(dfd, dir, &old);
	if (!rc)
		rc = conflicts(dfd, dir, format, app, &old, out, force);
	/* First claim the new files, so an interrupted export leaves nothing unclaimed. */
	for (size_t i = 0; i < old.n && !rc; i++)
		manifest_add(&next, old.v[i].format, old.v[i].app, old.v[i].path);
	for (size_t i = 0; i < out->n && !rc; i++)
		if (!manifest_find(&old, out->v[i].path))
			manifest_add(&next, format, app, out->v[i].path);
	if (!rc && next.n != old.n)
		rc = manifest_write(dfd, dir, &next);
	for (size_t i = 0; i < out->n && !rc; i++) {
		int w = put_file(dfd, dir, &out->v[i]);

		if (w < 0)
			rc = 2;
		else if (w > 0)
			printf("wrote %s/%s\n", dir, out->v[i].path);
	}
	manifest_free(&next);
	for (size_t i = 0; i < old.n && !rc; i++) {
		const struct entry *e = &old.v[i];
		bool mine = !strcmp(e->format, format) && !strcmp(e->app, app);

		if (mine && !in_output(out, e->path))
			remove_stale(dfd, dir, e->path);
		else if (!in_output(out, e->path))
			manifest_add(&next, e->format, e->app, e->path);
	}
	for (size_t i = 0; i < out->n && !rc; i++)
		manifest_add(&next, format, app, out->v[i].path);
	if (!rc)
		rc = manifest_write(dfd, dir, &next);
	manifest_free(&old);
	manifest_free(&next);
	close(dfd);
	free(dir);
	return rc;
}
