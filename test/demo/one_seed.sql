-- One seed of the demo (included by demo.sql with :seed and :demo_home set):
-- a fresh database demo_seed_NNN with the extension, the app schema and the seed's
-- model, then the seed's walkthrough.

\set db demo_seed_:seed
\c :demo_home
SET client_min_messages = warning;
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db";
\c :db
CREATE EXTENSION permissions;
\ir schema.sql
\ir models/seed_:seed.sql
SELECT format('Database %s: the app schema and the model of seed %s '
	'(%s roles, %s actions, %s users) are loaded.', current_database(), :'seed',
	(SELECT count(*) FROM permissions.roles), (SELECT count(*) FROM permissions.actions),
	(SELECT count(*) FROM permissions.users)) AS loaded \gset
\echo
\echo :loaded
\ir walkthrough.sql
