/*
 * pg_beat 1.1 -> 1.2, part 1: what a restart knows of an interrupted run.
 *
 * This file, then update-1.2-grants.sql, make pg_beat--1.1--1.2.sql (ALTER
 * EXTENSION pg_beat UPDATE) and the tail of pg_beat--1.2.sql (CREATE
 * EXTENSION): a fresh 1.2 runs exactly the statements an upgraded 1.1 ran.
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.2'" to load this file. \quit
