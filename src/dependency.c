/*-------------------------------------------------------------------------
 *
 * dependency.c
 *	  The pure grammar of "after" schedules (dependent jobs).
 *
 * A schedule whose first word is "after" names the jobs a dependent job
 * runs after, and the outcome they must reach (see dependency.h and
 * docs/schedules.md).  This file only reads and writes the text: which job
 * a name means, whether the graph has a cycle and when the job is due are
 * the backend's business (api.c, the launcher).  It includes only the C
 * library, so the unit tests (test/unit/test_dependency.c) exercise it with
 * no server.
 *
 * Names are matched exactly, so a name must survive a round trip through
 * the text: dependency_quote_name writes what dependency_parse reads back,
 * which is how a rename rewrites the schedules that name the renamed job.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "dependency.h"

/* Longest part of a name quoted in an error message. */
#define DEP_QUOTE_MAX 64

static bool
dep_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\f' || c == '\v';
}

/* A character that ends an unquoted name. */
static bool
dep_is_delimiter(char c)
{
	return c == '\0' || c == ',' || c == '"' || dep_is_space(c);
}

static char
dep_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* Does text[0..len) equal the lower-case keyword, ignoring case? */
static bool
dep_keyword(const char *text, size_t len, const char *keyword)
{
	size_t		i;

	if (strlen(keyword) != len)
		return false;
	for (i = 0; i < len; i++)
		if (dep_lower(text[i]) != keyword[i])
			return false;
	return true;
}

static bool
dep_fail(DependencyError *err, int offset, const char *message)
{
	err->offset = offset;
	snprintf(err->message, sizeof(err->message), "%s", message);
	return false;
}

bool
dependency_is_after(const char *text)
{
	const char *p = text;

	if (text == NULL)
		return false;
	while (dep_is_space(*p))
		p++;
	return dep_keyword(p, 5, "after") && dep_is_delimiter(p[5]) && p[5] != ',';
}

const char *
dependency_upstream(const DependencySpec *spec, int i)
{
	return spec->names + spec->name_start[i];
}

const char *
dependency_outcome_name(DependencyOutcome outcome)
{
	switch (outcome)
	{
		case DEPENDENCY_SUCCEEDED:
			return "succeeded";
		case DEPENDENCY_FAILED:
			return "failed";
		case DEPENDENCY_FINISHED:
			return "finished";
	}
	return "succeeded";			/* keep compiler quiet */
}

bool
dependency_parse(const char *text, DependencySpec *spec, DependencyError *err)
{
	size_t		len;
	int			pos = 0;
	int			used = 0;		/* bytes of spec->names in use */
	char		msg[sizeof(err->message)];

	memset(spec, 0, sizeof(*spec));
	spec->outcome = DEPENDENCY_SUCCEEDED;

	if (text == NULL)
		return dep_fail(err, 0, "The schedule is missing.");
	len = strlen(text);
	if (len > DEPENDENCY_MAX_LENGTH)
	{
		snprintf(msg, sizeof(msg),
				 "An after schedule may be at most %d bytes long.",
				 DEPENDENCY_MAX_LENGTH);
		return dep_fail(err, DEPENDENCY_MAX_LENGTH, msg);
	}

	while (dep_is_space(text[pos]))
		pos++;
	if (!dependency_is_after(text))
		return dep_fail(err, pos, "An after schedule starts with the word \"after\".");
	pos += 5;

	/*
	 * "after"a"" would read back as "aftera" once a rename writes the name
	 * without quotes: the keyword stands apart.
	 */
	if (text[pos] == '"')
		return dep_fail(err, pos, "A space must follow \"after\".");

	for (;;)
	{
		int			start;
		int			name_start = used;
		int			i;

		while (dep_is_space(text[pos]))
			pos++;
		start = pos;

		if (text[pos] == '\0')
			return dep_fail(err, pos, spec->nupstreams == 0 ?
							"An after schedule names at least one job." :
							"A job name must follow \",\".");
		if (text[pos] == ',')
			return dep_fail(err, pos, "A job name is missing before \",\".");
		if (spec->nupstreams == DEPENDENCY_MAX_UPSTREAMS)
		{
			snprintf(msg, sizeof(msg),
					 "An after schedule may name at most %d jobs.",
					 DEPENDENCY_MAX_UPSTREAMS);
			return dep_fail(err, pos, msg);
		}

		if (text[pos] == '"')
		{
			/* a quoted name: "" stands for one quote */
			pos++;
			for (;;)
			{
				if (text[pos] == '\0')
					return dep_fail(err, start,
									"A quoted job name is not closed with \".");
				if (text[pos] == '"')
				{
					if (text[pos + 1] != '"')
						break;
					pos++;
				}
				spec->names[used++] = text[pos++];
			}
			pos++;				/* the closing quote */
			if (used == name_start)
				return dep_fail(err, start, "A job name must not be empty.");
			if (!dep_is_delimiter(text[pos]) || text[pos] == '"')
				return dep_fail(err, pos,
								"A quoted job name must be followed by \",\", an outcome or the end.");
		}
		else
		{
			while (!dep_is_delimiter(text[pos]))
				spec->names[used++] = text[pos++];
			if (text[pos] == '"')
			{
				snprintf(msg, sizeof(msg),
						 "Job name \"%.*s\" holds a double quote; write the whole name in double quotes, with \"\" for each quote in it.",
						 DEP_QUOTE_MAX, text + start);
				return dep_fail(err, start, msg);
			}
		}
		spec->names[used++] = '\0';

		for (i = 0; i < spec->nupstreams; i++)
		{
			if (strcmp(dependency_upstream(spec, i), spec->names + name_start) == 0)
			{
				snprintf(msg, sizeof(msg), "Job \"%.*s\" is named twice.",
						 DEP_QUOTE_MAX, spec->names + name_start);
				return dep_fail(err, start, msg);
			}
		}
		spec->name_start[spec->nupstreams] = name_start;
		spec->token_start[spec->nupstreams] = start;
		spec->token_length[spec->nupstreams] = pos - start;
		spec->nupstreams++;

		while (dep_is_space(text[pos]))
			pos++;
		if (text[pos] == ',')
		{
			pos++;
			continue;
		}
		if (text[pos] == '\0')
			return true;

		/* the outcome, which ends the schedule */
		{
			int			word = pos;

			while (!dep_is_delimiter(text[pos]))
				pos++;
			if (dep_keyword(text + word, pos - word, "succeeded"))
				spec->outcome = DEPENDENCY_SUCCEEDED;
			else if (dep_keyword(text + word, pos - word, "failed"))
				spec->outcome = DEPENDENCY_FAILED;
			else if (dep_keyword(text + word, pos - word, "finished"))
				spec->outcome = DEPENDENCY_FINISHED;
			else
			{
				snprintf(msg, sizeof(msg),
						 "After job \"%.*s\" comes \",\", succeeded, failed, finished or the end, not \"%.*s\"; write a job name with spaces in double quotes.",
						 DEP_QUOTE_MAX, spec->names + name_start,
						 DEP_QUOTE_MAX, text + word);
				return dep_fail(err, word, msg);
			}
			spec->outcome_written = true;
			while (dep_is_space(text[pos]))
				pos++;
			if (text[pos] != '\0')
				return dep_fail(err, pos,
								"The outcome (succeeded, failed or finished) comes last, after every job name.");
			return true;
		}
	}
}

size_t
dependency_quote_name(const char *name, char *buf, size_t buflen)
{
	size_t		out = 0;
	bool		plain = name[0] != '\0';
	const char *p;

#define DEP_PUT(c) \
	do { if (out + 1 < buflen) buf[out] = (c); out++; } while (0)

	for (p = name; *p; p++)
		if (dep_is_delimiter(*p))
			plain = false;

	if (!plain)
		DEP_PUT('"');
	for (p = name; *p; p++)
	{
		if (*p == '"')
			DEP_PUT('"');
		DEP_PUT(*p);
	}
	if (!plain)
		DEP_PUT('"');
#undef DEP_PUT

	if (buflen > 0)
		buf[out < buflen ? out : buflen - 1] = '\0';
	return out;
}

/* Append src to buf[*used..buflen), truncating, always NUL-terminated. */
static void
dep_append(char *buf, size_t buflen, size_t *used, const char *src)
{
	size_t		n = strlen(src);

	if (*used + 1 >= buflen)
		return;
	if (n > buflen - 1 - *used)
		n = buflen - 1 - *used;
	memcpy(buf + *used, src, n);
	*used += n;
	buf[*used] = '\0';
}

void
dependency_describe(const DependencySpec *spec, char *buf, size_t buflen)
{
	static const char *const single[] = {"succeeds", "fails", "finishes"};
	static const char *const plural[] = {"succeeded", "failed", "finished"};
	char		name[DEPENDENCY_MAX_LENGTH * 2 + 3];
	size_t		used = 0;
	int			i;

	if (buflen == 0)
		return;
	buf[0] = '\0';
	dep_append(buf, buflen, &used, "after ");
	for (i = 0; i < spec->nupstreams; i++)
	{
		if (i > 0)
			dep_append(buf, buflen, &used,
					   i == spec->nupstreams - 1 ? " and " : ", ");
		dependency_quote_name(dependency_upstream(spec, i), name, sizeof(name));
		dep_append(buf, buflen, &used, name);
	}
	dep_append(buf, buflen, &used, spec->nupstreams == 1 ? " " : " have ");
	dep_append(buf, buflen, &used, spec->nupstreams == 1 ?
			   single[spec->outcome] : plural[spec->outcome]);
}
