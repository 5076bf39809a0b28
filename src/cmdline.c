/* SPDX-License-Identifier: MIT */
/*
 * cmdline: one left-to-right pass over the command. It notes what would
 * need a shell (and how much of one) and, while nothing does, builds the
 * words as sh would: quote removal, $NAME and ${NAME} expansion, field
 * splitting of unquoted expansions on blanks. When in doubt it chooses the
 * shell: a wrong DIRECT would change what the command means, a needless
 * shell only keeps one more process. Pure; main thread.
 */
#include "cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "quote.h"

/* How much shell a command needs; the pass only ever raises it. */
enum need { NEED_NONE, NEED_EXEC, NEED_SHELL };

struct strv {
	char **v;
	size_t n, cap;
};

struct field {
	struct qbuf b;
	bool started; /* a quoted "" makes an empty word; an empty $X makes none */
};

struct scan {
	const char *t;
	size_t len, i;
	lex_lookup_fn lookup;
	void *ctx;
	enum need need;
	const char *why;
	bool oom;
	struct strv words;  /* fields of the words after the assignments */
	struct strv assign; /* leading NAME=value words */
	struct field f;
	bool have_cmd;     /* the command word has begun */
	size_t cmd_at;     /* where it begins in the text (for "exec ") */
	bool in_cmd;       /* scanning the command word */
	bool cmd_expanded; /* the command word holds an expansion */
	bool redir_target; /* the next word is a redirection's target */
	size_t cmd_fields; /* words.n when the command word began */
};

static void raise_need(struct scan *s, enum need n, const char *why)
{
	if (n > s->need) {
		s->need = n;
		s->why = why;
	}
}

static void put(struct scan *s, char c)
{
	if (s->oom || s->need != NEED_NONE)
		return; /* the words are only needed for DIRECT */
	qb_add(&s->f.b, &c, 1);
	s->oom = s->f.b.oom;
	s->f.started = true;
}

static void push(struct scan *s, struct strv *to, char *str)
{
	if (!str || lex_reserve(&to->v, &to->cap, to->n + 2, sizeof(char *))) {
		free(str);
		s->oom = true;
		return;
	}
	to->v[to->n++] = str;
	to->v[to->n] = NULL;
}

/* Ends the field being built, if it holds anything. */
static void end_field(struct scan *s, struct strv *to)
{
	if (s->f.started && !s->oom && s->need == NEED_NONE)
		push(s, to, lex_strndup(s->f.b.p ? s->f.b.p : "", s->f.b.len));
	qb_clear(&s->f.b);
	s->f.started = false;
}

static size_t name_len(const char *t, size_t len, size_t i)
{
	size_t j = i;

	if (j >= len || !lex_is_var_start(t[j]))
		return 0;
	while (j < len && lex_is_var_char(t[j]))
		j++;
	return j - i;
}

/*
 * Skips a construct that only a shell can evaluate, from just after its
 * opening (CLOSE is ')' or '}' or '`'), honouring quotes and nesting.
 * Returns the index after the closing byte, or LEN when it never closes.
 * Ending too early is harmless: the rest is scanned again at the top level
 * and can only make the need greater.
 */
static size_t skip_nested(const char *t, size_t len, size_t i, char close)
{
	int depth = 1;

	while (i < len) {
		char c = t[i++];

		if (c == '\\' && i < len) {
			i++;
		} else if (close == '`') {
			if (c == '`')
				return i;
		} else if (c == '\'') {
			const char *q = memchr(t + i, '\'', len - i);

			i = q ? (size_t)(q - t) + 1 : len;
		} else if (c == '"') {
			while (i < len && t[i] != '"')
				i += (t[i] == '\\' && i + 1 < len) ? 2 : 1;
			i = i < len ? i + 1 : len;
		} else if (c == (close == ')' ? '(' : '{')) {
			depth++;
		} else if (c == close && --depth == 0) {
			return i;
		}
	}
	return len;
}

/* Appends VALUE of an expansion; unquoted ones are split on blanks. */
static void expand_value(struct scan *s, const char *value, bool quoted, struct strv *to)
{
	if (!value) {
		if (quoted)
			s->f.started = true;
		return;
	}
	if (quoted) {
		s->f.started = true;
		for (; *value; value++)
			put(s, *value);
		return;
	}
	for (; *value; value++) {
		char c = *value;

		if (c == ' ' || c == '\t' || c == '\n') {
			end_field(s, to);
			continue;
		}
		if (c == '*' || c == '?' || c == '[') {
			raise_need(s, NEED_EXEC, "a variable's value would be globbed");
			return;
		}
		put(s, c);
	}
}

/* At a '$' (S->i points past it). */
static void dollar(struct scan *s, bool quoted, bool in_assign, struct strv *to)
{
	const char *t = s->t;
	size_t n;

	if (s->i >= s->len) {
		put(s, '$');
		return;
	}
	n = name_len(t, s->len, s->i);
	if (n) {
		if (in_assign)
			raise_need(s, NEED_EXEC, "an assignment holds an expansion");
		else
			expand_value(s, s->lookup(t + s->i, n, s->ctx), quoted, to);
		s->i += n;
		s->cmd_expanded |= s->in_cmd;
		return;
	}
	if (t[s->i] == '{') {
		n = name_len(t, s->len, s->i + 1);
		if (n && s->i + 1 + n < s->len && t[s->i + 1 + n] == '}') {
			if (in_assign)
				raise_need(s, NEED_EXEC, "an assignment holds an expansion");
			else
				expand_value(s, s->lookup(t + s->i + 1, n, s->ctx), quoted, to);
			s->i += n + 2;
			s->cmd_expanded |= s->in_cmd;
			return;
		}
		raise_need(s, NEED_EXEC, "a ${...} expansion with an operator");
		s->i = skip_nested(t, s->len, s->i + 1, '}');
		s->cmd_expanded |= s->in_cmd;
		return;
	}
	if (t[s->i] == '(') {
		raise_need(s, NEED_EXEC, "a $(...) substitution");
		s->i = skip_nested(t, s->len, s->i + 1, ')');
		s->cmd_expanded |= s->in_cmd;
		return;
	}
	if (quoted && t[s->i] == '"') {
		put(s, '$'); /* "...$" ends in a plain dollar */
		return;
	}
	if (strchr("0123456789@*#?-$!'\"", t[s->i])) {
		raise_need(s, NEED_EXEC, "a special parameter or $'...' quoting");
		s->cmd_expanded |= s->in_cmd;
		return;
	}
	put(s, '$'); /* "$" before anything else is taken as is */
}

static void double_quoted(struct scan *s, bool in_assign, struct strv *to)
{
	const char *t = s->t;

	s->f.started = true;
	while (s->i < s->len && t[s->i] != '"') {
		char c = t[s->i++];

		if (c == '\\' && s->i < s->len && strchr("$`\"\\\n", t[s->i])) {
			if (t[s->i] != '\n')
				put(s, t[s->i]);
			s->i++;
		} else if (c == '$') {
			dollar(s, true, in_assign, to);
		} else if (c == '`') {
			raise_need(s, NEED_EXEC, "a `...` substitution");
			s->i = skip_nested(t, s->len, s->i, '`');
			s->cmd_expanded |= s->in_cmd;
		} else {
			put(s, c);
		}
	}
	if (s->i >= s->len)
		raise_need(s, NEED_SHELL, "an unterminated quote");
	else
		s->i++;
}

/* At '<' or '>': a redirection, which only a shell performs. */
static void redirection(struct scan *s)
{
	const char *t = s->t;
	char c = t[s->i++];

	if (c == '<' && s->i < s->len && t[s->i] == '<') {
		raise_need(s, NEED_SHELL, "a here-document");
		return;
	}
	raise_need(s, NEED_EXEC, "a redirection");
	/* >&2, <&0, >|, <>, >>: all one operator */
	while (s->i < s->len && strchr("&|<>", t[s->i]))
		s->i++;
	while (s->i < s->len && lex_is_blank(t[s->i]))
		s->i++;
	s->redir_target = true;
}

/* Is the word starting at I a NAME=... assignment (by its unquoted start)? */
static bool assignment_at(const char *t, size_t len, size_t i)
{
	size_t n = name_len(t, len, i);

	return n && i + n < len && t[i + n] == '=';
}

static bool word_ends(char c)
{
	return lex_is_blank(c) || strchr(";&|()<>\n", c);
}

/* One word, from S->i (not blank). */
static void word(struct scan *s)
{
	const char *t = s->t;
	size_t start = s->i;
	bool assign = !s->have_cmd && !s->redir_target && assignment_at(t, s->len, s->i);
	bool target = s->redir_target;
	struct strv *to = assign ? &s->assign : &s->words;

	if (!assign && !target && !s->have_cmd) {
		s->have_cmd = true;
		s->cmd_at = start;
		s->cmd_fields = s->words.n;
		s->in_cmd = true;
	}
	s->redir_target = false;
	if (t[s->i] == '#')
		raise_need(s, NEED_EXEC, "a comment");
	while (s->i < s->len && !word_ends(t[s->i])) {
		char c = t[s->i++];

		switch (c) {
		case '\'': {
			const char *q = memchr(t + s->i, '\'', s->len - s->i);

			s->f.started = true;
			if (!q) {
				raise_need(s, NEED_SHELL, "an unterminated quote");
				s->i = s->len;
				break;
			}
			while (t + s->i < q)
				put(s, t[s->i++]);
			s->i++;
			break;
		}
		case '"':
			double_quoted(s, assign, to);
			break;
		case '\\':
			if (s->i >= s->len) {
				raise_need(s, NEED_EXEC, "a backslash at the end");
			} else if (t[s->i] == '\n') {
				s->i++;
			} else {
				put(s, t[s->i++]);
			}
			break;
		case '$':
			dollar(s, false, assign, to);
			break;
		case '`':
			raise_need(s, NEED_EXEC, "a `...` substitution");
			s->i = skip_nested(t, s->len, s->i, '`');
			s->cmd_expanded |= s->in_cmd;
			break;
		case '*':
		case '?':
		case '[':
			raise_need(s, NEED_EXEC, "a glob pattern");
			break;
		case '~':
			raise_need(s, NEED_EXEC, "a tilde");
			break;
		case '{':
		case '}':
			raise_need(s, NEED_EXEC, "a brace");
			break;
		default:
			put(s, c);
			break;
		}
	}
	if (target) {
		qb_clear(&s->f.b);
		s->f.started = false;
		return;
	}
	end_field(s, to);
	s->in_cmd = false;
}

static bool in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

/* Words the shell itself gives meaning to: they keep the shell. */
static const char *const reserved[] = {
	"!",    "{",     "}",     "case",     "do", "done",   "elif",   "else",
	"esac", "fi",    "for",   "function", "if", "in",     "select", "then",
	"time", "until", "while", "[[",       "]]", "coproc", NULL,
};

static const char *const builtins[] = {
	".",       ":",        "[",       "alias",    "bg",        "break",   "builtin", "cd",
	"command", "continue", "declare", "echo",     "eval",      "exit",    "export",  "false",
	"fc",      "fg",       "getopts", "hash",     "jobs",      "kill",    "let",     "local",
	"printf",  "pwd",      "read",    "readonly", "return",    "set",     "shift",   "source",
	"test",    "times",    "trap",    "true",     "type",      "typeset", "ulimit",  "umask",
	"unalias", "unset",    "wait",    "disown",   "enable",    "shopt",   "suspend", "logout",
	"dirs",    "pushd",    "popd",    "mapfile",  "readarray", NULL,
};

/* The raw command word (as written), for the reserved-word check. */
static bool raw_word_is(const struct scan *s, const char *const *list)
{
	size_t e = s->cmd_at;
	char w[16];

	while (e < s->len && !word_ends(s->t[e]))
		e++;
	if (e - s->cmd_at >= sizeof(w))
		return false;
	memcpy(w, s->t + s->cmd_at, e - s->cmd_at);
	w[e - s->cmd_at] = '\0';
	return in_list(w, list);
}

static void scan(struct scan *s)
{
	while (s->i < s->len) {
		char c = s->t[s->i];

		if (lex_is_blank(c)) {
			s->i++;
		} else if (c == '<' || c == '>') {
			redirection(s);
		} else if (strchr(";&|()\n", c)) {
			raise_need(s, NEED_SHELL, "shell syntax (; & | ( ) or a newline)");
			s->i++;
		} else if ((c >= '0' && c <= '9') && !s->redir_target) {
			/* 2>&1: a number right before < or > is the descriptor. */
			size_t j = s->i;

			while (j < s->len && s->t[j] >= '0' && s->t[j] <= '9')
				j++;
			if (j < s->len && (s->t[j] == '<' || s->t[j] == '>'))
				s->i = j;
			else
				word(s);
		} else {
			word(s);
		}
	}
}

/* The command word and what follows decide the rest. */
static void judge(struct scan *s)
{
	if (!s->have_cmd) {
		raise_need(s, NEED_SHELL, "no command, only assignments or redirections");
		return;
	}
	if (raw_word_is(s, reserved)) {
		raise_need(s, NEED_SHELL, "a reserved word of the shell");
		return;
	}
	if (s->cmd_expanded && s->need != NEED_NONE) {
		/* Only a shell knows what command $(...) or ${X:-y} names. */
		raise_need(s, NEED_SHELL, "the command name is computed by the shell");
		return;
	}
	if (s->need == NEED_NONE && s->words.n > s->cmd_fields) {
		const char *first = s->words.v[s->cmd_fields];

		if (!strcmp(first, "exec") && s->words.n > s->cmd_fields + 1 &&
		    s->words.v[s->cmd_fields + 1][0] != '-') {
			/* "exec prog": what the shell would do is what DIRECT does. */
			free(s->words.v[s->cmd_fields]);
			memmove(&s->words.v[s->cmd_fields], &s->words.v[s->cmd_fields + 1],
				(s->words.n - s->cmd_fields) * sizeof(char *));
			s->words.n--;
			first = s->words.v[s->cmd_fields];
		}
		if (in_list(first, builtins) || !strcmp(first, "exec"))
			raise_need(s, NEED_SHELL, "a shell builtin");
	} else if (s->need == NEED_NONE) {
		/* The command word expanded to nothing: let the shell say so. */
		raise_need(s, NEED_SHELL, "the command word is empty");
	} else if (raw_word_is(s, builtins)) {
		raise_need(s, NEED_SHELL, "a shell builtin");
	}
}

static void free_strv(struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* TEXT with "exec " in front of the command word. */
static char *exec_script(const struct scan *s)
{
	char *out = malloc(s->len + 6);

	if (!out)
		return NULL;
	memcpy(out, s->t, s->cmd_at);
	memcpy(out + s->cmd_at, "exec ", 5);
	memcpy(out + s->cmd_at + 5, s->t + s->cmd_at, s->len - s->cmd_at);
	out[s->len + 5] = '\0';
	return out;
}

static bool raw_is_exec(const struct scan *s)
{
	return s->len - s->cmd_at >= 5 && !memcmp(s->t + s->cmd_at, "exec", 4) &&
	       lex_is_blank(s->t[s->cmd_at + 4]);
}

int cmdline_plan(const char *text, size_t len, lex_lookup_fn lookup, void *ctx, struct cmdline *out)
{
	struct scan s = { .t = text, .len = len, .lookup = lookup, .ctx = ctx };
	const char *ifs = lookup("IFS", 3, ctx);

	memset(out, 0, sizeof(*out));
	if (ifs && strcmp(ifs, " \t\n"))
		raise_need(&s, NEED_EXEC, "IFS is set"); /* splitting would differ */
	scan(&s);
	judge(&s);
	qb_free(&s.f.b);
	if (s.oom) {
		free_strv(&s.words);
		free_strv(&s.assign);
		return ENOMEM;
	}
	out->why = s.why;
	if (s.need == NEED_NONE) {
		out->kind = CMDLINE_DIRECT;
		out->argv = s.words.v;
		out->argc = s.words.n;
		out->assign = s.assign.v;
		out->nassign = s.assign.n;
		return 0;
	}
	free_strv(&s.words);
	free_strv(&s.assign);
	if (s.need == NEED_EXEC && !raw_is_exec(&s)) {
		out->kind = CMDLINE_EXEC;
		out->script = exec_script(&s);
	} else {
		out->kind = s.need == NEED_EXEC ? CMDLINE_EXEC : CMDLINE_SHELL;
		out->script = strndup(text, len);
	}
	return out->script ? 0 : ENOMEM;
}

void cmdline_free(struct cmdline *c)
{
	for (size_t i = 0; c->argv && i < c->argc; i++)
		free(c->argv[i]);
	for (size_t i = 0; c->assign && i < c->nassign; i++)
		free(c->assign[i]);
	free(c->argv);
	free(c->assign);
	free(c->script);
	memset(c, 0, sizeof(*c));
}

bool cmdline_uses_args(const char *c)
{
	bool dquote = false;

	for (; *c; c++) {
		if (*c == '\\' && c[1]) {
			c++;
		} else if (*c == '\'' && !dquote) {
			c = strchr(c + 1, '\'');
			if (!c)
				return false;
		} else if (*c == '"') {
			dquote = !dquote;
		} else if (*c == '$') {
			const char *n = c[1] == '{' ? c + 2 : c + 1;

			if (*n == '@' || *n == '*' || (*n >= '1' && *n <= '9'))
				return true;
			if (c[1] == '$')
				c++; /* $$ is the pid: "$$1" is not $1 */
		}
	}
	return false;
}

const char *cmdline_kind_name(enum cmdline_kind kind)
{
	switch (kind) {
	case CMDLINE_DIRECT:
		return "direct";
	case CMDLINE_EXEC:
		return "exec";
	default:
		return "shell";
	}
}
