/*
 * pg_beat 1.0 -> 1.1, part: chains.  (See update-1.1.sql.)
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.1'" to load this file. \quit
