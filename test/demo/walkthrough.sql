-- The walkthrough of one seed model: what its users may do, through permissions.can()
-- and permissions.explain().  Run in a database set up by demo.sql (or by hand:
-- CREATE EXTENSION permissions, schema.sql, models/seed_NNN.sql):
--   psql -X -v seed=002 -d demo_seed_002 -f test/demo/walkthrough.sql
-- Each seed's part lives in walkthrough_NNN.sql; it may change the model (it shows
-- grants and toggles taking effect), so run it on a fresh database.

\if :{?seed}
\else
\echo 'which seed? psql -v seed=000 (or 002, 003, 004) -f test/demo/walkthrough.sql'
\quit
\endif
\ir walkthrough_:seed.sql
