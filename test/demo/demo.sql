-- The permissions demo: the four seed products' permission models, each in its own
-- database, and what their users may do.
--
-- Run from the repository root as a superuser (the extension must be installed):
--   psql -X -v ON_ERROR_STOP=1 -f test/demo/demo.sql
-- It creates (and first drops) the databases demo_seed_000, demo_seed_002,
-- demo_seed_003 and demo_seed_004, and leaves them for you to explore:
--   psql -d demo_seed_002 -c "SET permissions.user_id = 'fred'" -c "SELECT permissions.explain('orders.create', 1)"

\set ON_ERROR_STOP on
\set QUIET on
SELECT current_database() AS demo_home \gset

\echo 'permissions demo: four products'' permission models in the database.'
\echo 'Each model is plain rows in the permissions config tables (test/demo/models/);'
\echo 'every answer below comes from permissions.can() or permissions.explain(), asked'
\echo 'after SET permissions.user_id = ''<user>''.'

\set seed 000
\ir one_seed.sql
\set seed 002
\ir one_seed.sql
\set seed 003
\ir one_seed.sql
\set seed 004
\ir one_seed.sql

\c :demo_home
\echo
\echo 'Done.  The databases demo_seed_000, demo_seed_002, demo_seed_003 and demo_seed_004'
\echo 'remain; connect to one and try SET permissions.user_id = ''...'' and permissions.can().'
