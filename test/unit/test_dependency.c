/*-------------------------------------------------------------------------
 *
 * test_dependency.c
 *	  Standalone unit tests of the "after" schedule grammar (dependency.c).
 *
 * Like test_cronexpr.c: links the pure module directly (see run.sh), prints
 * one "ok N - ..." or "not ok N - ..." line per case and exits non-zero if
 * anything failed.  The cases are tables: valid texts with the names and
 * outcome they give, invalid texts with the error offset and the start of
 * the message, quoting round trips, and descriptions.
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dependency.h"

#define lengthof(array) (sizeof(array) / sizeof((array)[0]))

static int	tests_run;
static int	tests_failed;

static void
report(bool pass, const char *fmt,...)
{
	va_list		ap;

	tests_run++;
	if (!pass)
		tests_failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void
test_is_after(void)
{
	static const struct
	{
		const char *text;
		bool		after;
	}			cases[] = {
		{"after a", true},
		{"  AFTER a", true},
		{"After\t\"a b\"", true},
		{"after\"a\"", true},
		{"after", true},
		{"afterwards", false},
		{"after,a", false},
		{"0 3 * * *", false},
		{"@daily", false},
		{"every 5 minutes", false},
		{"", false},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
		report(dependency_is_after(cases[i].text) == cases[i].after,
			   "is_after(\"%s\") is %s", cases[i].text,
			   cases[i].after ? "true" : "false");
	report(!dependency_is_after(NULL), "is_after(NULL) is false");
}

static void
test_valid(void)
{
	static const struct
	{
		const char *text;
		int			n;
		const char *names[4];
		DependencyOutcome outcome;
		bool		written;
	}			cases[] = {
		{"after load", 1, {"load"}, DEPENDENCY_SUCCEEDED, false},
		{"after nightly-load succeeded", 1, {"nightly-load"}, DEPENDENCY_SUCCEEDED, true},
		{"AFTER load FAILED", 1, {"load"}, DEPENDENCY_FAILED, true},
		{"after load Finished  ", 1, {"load"}, DEPENDENCY_FINISHED, true},
		{"after a, b,c", 3, {"a", "b", "c"}, DEPENDENCY_SUCCEEDED, false},
		{"after a ,b failed", 2, {"a", "b"}, DEPENDENCY_FAILED, true},
		{"after \"nightly load\"", 1, {"nightly load"}, DEPENDENCY_SUCCEEDED, false},
		{"after \"a,b\", \"say \"\"hi\"\"\" finished", 2, {"a,b", "say \"hi\""}, DEPENDENCY_FINISHED, true},
		{"after \"failed\"", 1, {"failed"}, DEPENDENCY_SUCCEEDED, false},
		{"after failed", 1, {"failed"}, DEPENDENCY_SUCCEEDED, false},
		{"after failed failed", 1, {"failed"}, DEPENDENCY_FAILED, true},
		{"after Load, load", 2, {"Load", "load"}, DEPENDENCY_SUCCEEDED, false},
		{"after\n\ta\n", 1, {"a"}, DEPENDENCY_SUCCEEDED, false},
		{"after été", 1, {"été"}, DEPENDENCY_SUCCEEDED, false},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
	{
		DependencySpec spec;
		DependencyError err;
		bool		ok = dependency_parse(cases[i].text, &spec, &err);
		int			j;

		if (ok)
		{
			ok = spec.nupstreams == cases[i].n &&
				spec.outcome == cases[i].outcome &&
				spec.outcome_written == cases[i].written;
			for (j = 0; ok && j < cases[i].n; j++)
				ok = strcmp(dependency_upstream(&spec, j), cases[i].names[j]) == 0;
		}
		else
			printf("#   error at %d: %s\n", err.offset, err.message);
		report(ok, "parse \"%s\"", cases[i].text);
	}
}

static void
test_tokens(void)
{
	const char *text = "after a, \"b c\" failed";
	DependencySpec spec;
	DependencyError err;
	bool		ok = dependency_parse(text, &spec, &err);

	report(ok && spec.token_start[0] == 6 && spec.token_length[0] == 1 &&
		   spec.token_start[1] == 9 && spec.token_length[1] == 5,
		   "token positions of \"%s\"", text);
}

static void
test_invalid(void)
{
	static const struct
	{
		const char *text;
		int			offset;
		const char *message;	/* prefix */
	}			cases[] = {
		{"after", 5, "An after schedule names at least one job."},
		{"after   ", 8, "An after schedule names at least one job."},
		{"after a,", 8, "A job name must follow \",\"."},
		{"after a,,b", 8, "A job name is missing before \",\"."},
		{"after ,a", 6, "A job name is missing before \",\"."},
		{"after \"a", 6, "A quoted job name is not closed"},
		{"after \"\"", 6, "A job name must not be empty."},
		{"after \"a\"b", 9, "A quoted job name must be followed"},
		{"after a\"b\"", 6, "Job name \"a\"b\"\" holds a double quote"},
		{"after a, a", 9, "Job \"a\" is named twice."},
		{"after nightly load", 14, "After job \"nightly\" comes \",\", succeeded, failed, finished or the end, not \"load\""},
		{"after a failed, b", 14, "The outcome (succeeded, failed or finished) comes last"},
		{"after a failed succeeded", 15, "The outcome (succeeded, failed or finished) comes last"},
		{"afterwards", 0, "An after schedule starts with the word \"after\"."},
		{"after\"a\"", 5, "A space must follow \"after\"."},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
	{
		DependencySpec spec;
		DependencyError err;
		bool		ok = !dependency_parse(cases[i].text, &spec, &err);

		if (ok && (err.offset != cases[i].offset ||
				   strncmp(err.message, cases[i].message,
						   strlen(cases[i].message)) != 0))
		{
			printf("#   got error at %d: %s\n", err.offset, err.message);
			ok = false;
		}
		report(ok, "refuse \"%s\"", cases[i].text);
	}

	/* limits */
	{
		char		text[DEPENDENCY_MAX_LENGTH + 16];
		DependencySpec spec;
		DependencyError err;
		int			n;
		size_t		used;

		used = (size_t) snprintf(text, sizeof(text), "after j0");
		for (n = 1; n <= DEPENDENCY_MAX_UPSTREAMS; n++)
			used += (size_t) snprintf(text + used, sizeof(text) - used, ",j%d", n);
		report(!dependency_parse(text, &spec, &err) &&
			   strstr(err.message, "at most 64 jobs") != NULL,
			   "refuse %d upstreams", DEPENDENCY_MAX_UPSTREAMS + 1);

		memset(text, 'x', sizeof(text) - 1);
		memcpy(text, "after ", 6);
		text[DEPENDENCY_MAX_LENGTH + 1] = '\0';
		report(!dependency_parse(text, &spec, &err) &&
			   strstr(err.message, "at most 2048 bytes") != NULL,
			   "refuse a text over %d bytes", DEPENDENCY_MAX_LENGTH);
		text[DEPENDENCY_MAX_LENGTH] = '\0';
		report(dependency_parse(text, &spec, &err) && spec.nupstreams == 1,
			   "accept a text of exactly %d bytes", DEPENDENCY_MAX_LENGTH);
	}
}

static void
test_quote(void)
{
	static const struct
	{
		const char *name;
		const char *quoted;
	}			cases[] = {
		{"load", "load"},
		{"nightly-load", "nightly-load"},
		{"nightly load", "\"nightly load\""},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"", "\"\""},
		{"failed", "failed"},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
	{
		char		buf[64];
		char		text[80];
		DependencySpec spec;
		DependencyError err;
		size_t		n = dependency_quote_name(cases[i].name, buf, sizeof(buf));
		bool		ok = n == strlen(cases[i].quoted) &&
			strcmp(buf, cases[i].quoted) == 0;

		/* what is written reads back as the same name */
		if (ok && cases[i].name[0] != '\0')
		{
			snprintf(text, sizeof(text), "after %s", buf);
			ok = dependency_parse(text, &spec, &err) && spec.nupstreams == 1 &&
				strcmp(dependency_upstream(&spec, 0), cases[i].name) == 0;
		}
		report(ok, "quote \"%s\" as %s", cases[i].name, cases[i].quoted);
	}

	/* truncation keeps the length and the terminator */
	{
		char		buf[4];
		size_t		n = dependency_quote_name("a b c", buf, sizeof(buf));

		report(n == 7 && strcmp(buf, "\"a ") == 0, "quote truncates safely");
	}
}

static void
test_describe(void)
{
	static const struct
	{
		const char *text;
		const char *description;
	}			cases[] = {
		{"after nightly-load", "after nightly-load succeeds"},
		{"after nightly-load failed", "after nightly-load fails"},
		{"after nightly-load finished", "after nightly-load finishes"},
		{"after a, b failed", "after a and b have failed"},
		{"after a, b, c finished", "after a, b and c have finished"},
		{"after a,\"b c\"", "after a and \"b c\" have succeeded"},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
	{
		DependencySpec spec;
		DependencyError err;
		char		buf[128];
		bool		ok = dependency_parse(cases[i].text, &spec, &err);

		if (ok)
		{
			dependency_describe(&spec, buf, sizeof(buf));
			ok = strcmp(buf, cases[i].description) == 0;
			if (!ok)
				printf("#   got \"%s\"\n", buf);
		}
		report(ok, "describe \"%s\"", cases[i].text);
	}

	{
		DependencySpec spec;
		DependencyError err;
		char		buf[10];

		dependency_parse("after nightly-load", &spec, &err);
		dependency_describe(&spec, buf, sizeof(buf));
		report(strcmp(buf, "after nig") == 0, "describe truncates safely");
	}
}

int
main(void)
{
	test_is_after();
	test_valid();
	test_tokens();
	test_invalid();
	test_quote();
	test_describe();
	printf("1..%d\n", tests_run);
	if (tests_failed > 0)
	{
		printf("# %d of %d failed\n", tests_failed, tests_run);
		return 1;
	}
	printf("# all %d passed\n", tests_run);
	return 0;
}
