/*
 * pg_beat 1.1 -> 1.2, part 2: ordinary roles hold no write privilege on the
 * catalog; they change their jobs through the API.
 */
