/*-------------------------------------------------------------------------
 *
 * fuzz_dependency.c
 *	  libFuzzer target for the "after" schedule grammar (src/dependency.c).
 *
 * Any input must parse or fail without a crash, a leak or undefined
 * behaviour, and a parse must be consistent with itself:
 *
 *	- a failure points inside the text, with a non-empty message;
 *	- a success names 1 to DEPENDENCY_MAX_UPSTREAMS distinct, non-empty jobs,
 *	  each token lies inside the text, in order;
 *	- writing the names back with dependency_quote_name, and the outcome,
 *	  gives a text that parses to the same names and outcome (what a rename
 *	  relies on when it rewrites a schedule);
 *	- replacing one token by the quoted name it holds keeps the meaning;
 *	- the description is NUL-terminated within its buffer.
 *
 * run.sh builds and runs it after the cronexpr target.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dependency.h"

#define FUZZ_MAX_INPUT (DEPENDENCY_MAX_LENGTH + 16)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *text, const char *what)
{
	fprintf(stderr, "invariant violated for \"%s\": %s\n", text, what);
	abort();
}

static bool
same_spec(const DependencySpec *a, const DependencySpec *b)
{
	int			i;

	if (a->nupstreams != b->nupstreams || a->outcome != b->outcome)
		return false;
	for (i = 0; i < a->nupstreams; i++)
		if (strcmp(dependency_upstream(a, i), dependency_upstream(b, i)) != 0)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FUZZ_MAX_INPUT + 1];
	static char rebuilt[DEPENDENCY_MAX_LENGTH * 3 + 64];
	static char quoted[DEPENDENCY_MAX_LENGTH * 2 + 3];
	static DependencySpec spec;
	static DependencySpec again;
	DependencyError err;
	char		description[128];
	size_t		len;
	size_t		used;
	int			i;

	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);

	if (!dependency_parse(text, &spec, &err))
	{
		if (err.offset < 0 || (size_t) err.offset > len)
			fail(text, "error offset outside the text");
		if (err.message[0] == '\0' ||
			memchr(err.message, '\0', sizeof(err.message)) == NULL)
			fail(text, "empty or unterminated error message");
		return 0;
	}

	if (!dependency_is_after(text))
		fail(text, "parsed but is not an after schedule");
	if (spec.nupstreams < 1 || spec.nupstreams > DEPENDENCY_MAX_UPSTREAMS)
		fail(text, "number of upstream jobs out of range");
	for (i = 0; i < spec.nupstreams; i++)
	{
		int			j;

		if (dependency_upstream(&spec, i)[0] == '\0')
			fail(text, "empty name");
		if (spec.token_start[i] < 0 || spec.token_length[i] <= 0 ||
			(size_t) (spec.token_start[i] + spec.token_length[i]) > len)
			fail(text, "token outside the text");
		if (i > 0 && spec.token_start[i] < spec.token_start[i - 1] + spec.token_length[i - 1])
			fail(text, "tokens out of order");
		for (j = 0; j < i; j++)
			if (strcmp(dependency_upstream(&spec, i), dependency_upstream(&spec, j)) == 0)
				fail(text, "duplicate name accepted");
	}

	/* the names written back read the same */
	used = (size_t) snprintf(rebuilt, sizeof(rebuilt), "after ");
	for (i = 0; i < spec.nupstreams; i++)
	{
		dependency_quote_name(dependency_upstream(&spec, i), quoted, sizeof(quoted));
		used += (size_t) snprintf(rebuilt + used, sizeof(rebuilt) - used, "%s%s",
								  i > 0 ? ", " : "", quoted);
	}
	snprintf(rebuilt + used, sizeof(rebuilt) - used, " %s",
			 dependency_outcome_name(spec.outcome));
	if (strlen(rebuilt) <= DEPENDENCY_MAX_LENGTH &&
		(!dependency_parse(rebuilt, &again, &err) || !same_spec(&spec, &again)))
		fail(text, "names written back do not read the same");

	/* a token replaced by its canonical spelling keeps the meaning */
	{
		int			k = spec.nupstreams - 1;
		size_t		qlen = dependency_quote_name(dependency_upstream(&spec, k),
												 quoted, sizeof(quoted));

		if (len - (size_t) spec.token_length[k] + qlen <= DEPENDENCY_MAX_LENGTH)
		{
			memcpy(rebuilt, text, (size_t) spec.token_start[k]);
			memcpy(rebuilt + spec.token_start[k], quoted, qlen);
			strcpy(rebuilt + spec.token_start[k] + qlen,
				   text + spec.token_start[k] + spec.token_length[k]);
			if (!dependency_parse(rebuilt, &again, &err) || !same_spec(&spec, &again))
				fail(text, "a token replaced by its quoted name changes the meaning");
		}
	}

	dependency_describe(&spec, description, sizeof(description));
	if (memchr(description, '\0', sizeof(description)) == NULL ||
		strncmp(description, "after ", 6) != 0)
		fail(text, "bad description");
	return 0;
}
