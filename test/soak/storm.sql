-- pgbench script of the soak's schedule/alter/unschedule storm.
-- soak_storm() (defined by soak.py in database postgres) catches every
-- error, so a client survives DROP EXTENSION and races with the others.
\set op random(1, 10)
\set n random(1, 8)
\set sec random(5, 29)
SELECT soak_storm(:epoch, :op, :n, :sec);
