/*-------------------------------------------------------------------------
 *
 * dependency.h
 *	  The pure grammar of "after" schedules (dependent jobs).
 *
 * A dependent job runs after other jobs instead of on a clock:
 *
 *		after <job>[, <job> ...] [succeeded | failed | finished]
 *
 * Keywords are case-insensitive; job names are matched exactly.  A name
 * that is not a plain word (it holds white space, a comma or a double
 * quote, or is empty) is written in double quotes, with "" for a quote:
 * after "nightly load", "say ""hi""".  The outcome defaults to succeeded.
 *
 * Like cronexpr.c, this module knows nothing about PostgreSQL: no globals,
 * no allocation, errors returned as data.  The backend resolves the names
 * to job ids (api.c) and describes the schedule (schedule.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_DEPENDENCY_H
#define PG_BEAT_DEPENDENCY_H

#include <stdbool.h>
#include <stddef.h>

/* Longest after schedule accepted, in bytes. */
#define DEPENDENCY_MAX_LENGTH 2048

/* Most upstream jobs one schedule may name. */
#define DEPENDENCY_MAX_UPSTREAMS 64

typedef enum DependencyOutcome
{
	DEPENDENCY_SUCCEEDED,		/* the upstream's final attempt succeeded */
	DEPENDENCY_FAILED,			/* its final attempt failed */
	DEPENDENCY_FINISHED			/* either */
} DependencyOutcome;

typedef struct DependencySpec
{
	int			nupstreams;
	DependencyOutcome outcome;
	bool		outcome_written;	/* the text spelled the outcome out */

	/*
	 * Upstream i is names + name_start[i] (NUL-terminated, quotes removed);
	 * it was written at byte token_start[i] of the text, token_length[i]
	 * bytes long (quotes included), so that a rename can replace exactly
	 * that token.
	 */
	int			name_start[DEPENDENCY_MAX_UPSTREAMS];
	int			token_start[DEPENDENCY_MAX_UPSTREAMS];
	int			token_length[DEPENDENCY_MAX_UPSTREAMS];
	char		names[DEPENDENCY_MAX_LENGTH + 1];
} DependencySpec;

typedef struct DependencyError
{
	int			offset;			/* byte offset of the problem in the text */
	char		message[256];	/* a full sentence */
} DependencyError;

/*
 * Is text an after schedule, i.e. does its first word read "after"?  Such a
 * text is parsed by dependency_parse, never as a cron expression.
 */
extern bool dependency_is_after(const char *text);

/*
 * Parse an after schedule into *spec.  Returns true on success; on failure
 * returns false and fills *err.
 */
extern bool dependency_parse(const char *text, DependencySpec *spec,
							 DependencyError *err);

/* The name of upstream i of a parsed spec. */
extern const char *dependency_upstream(const DependencySpec *spec, int i);

/* "succeeded", "failed" or "finished". */
extern const char *dependency_outcome_name(DependencyOutcome outcome);

/*
 * Write name as the grammar reads it back: as is when it is a plain word,
 * else in double quotes with quotes doubled.  Returns the length of the
 * result (not counting the NUL); writes at most buflen bytes, always
 * NUL-terminated when buflen > 0.
 */
extern size_t dependency_quote_name(const char *name, char *buf, size_t buflen);

/*
 * The schedule in plain English into buf (always NUL-terminated, truncated
 * to buflen): "after load succeeds", "after a and b have failed",
 * "after a, b and c have finished".
 */
extern void dependency_describe(const DependencySpec *spec, char *buf,
								size_t buflen);

#endif							/* PG_BEAT_DEPENDENCY_H */
