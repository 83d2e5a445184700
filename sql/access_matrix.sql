-- access_matrix(): who may do which action, and where; admins only.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('orders'), ('users');
INSERT INTO permissions.roles (role, is_admin) VALUES ('admin', true), ('restricted', false);
INSERT INTO permissions.role_privileges VALUES ('restricted', 'orders', 'rw');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
	('orders.view', 'orders', 'r', 'location', 'read'),
	('orders.create', 'orders', 'w', 'location', 'full'),
	('orders.screen', 'orders', 'r', 'any_location', 'full'),
	('users.admin', 'users', 'w', 'none', 'read');
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York'), (3, 'Hull');
INSERT INTO permissions.users (user_id, role) VALUES ('ann', 'admin'), ('fay', 'restricted'), ('rob', 'restricted'), ('nia', 'restricted');
INSERT INTO permissions.location_access VALUES ('fay', 1, 'full'), ('fay', 2, 'read'), ('rob', 1, 'read'), ('rob', 3, 'read');

SELECT action, user_id, allowed, locations FROM permissions.access_matrix();
SELECT action, user_id, allowed, locations, why FROM permissions.access_matrix(ARRAY['fay']);
-- unknown users are simply absent
SELECT count(*) AS rows_for_ghost FROM permissions.access_matrix(ARRAY['ghost']);

-- as a crosstab: one row per action, one column per user
SELECT action,
	max(CASE WHEN user_id = 'ann' THEN coalesce(array_to_string(locations, ','), allowed::text) END) AS ann,
	max(CASE WHEN user_id = 'fay' THEN coalesce(array_to_string(locations, ','), allowed::text) END) AS fay,
	max(CASE WHEN user_id = 'rob' THEN coalesce(array_to_string(locations, ','), allowed::text) END) AS rob,
	max(CASE WHEN user_id = 'nia' THEN coalesce(array_to_string(locations, ','), allowed::text) END) AS nia
  FROM permissions.access_matrix() GROUP BY action ORDER BY action;

-- only for admins
CREATE ROLE regress_matrix_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_matrix_app;
GRANT SELECT ON ALL TABLES IN SCHEMA permissions TO regress_matrix_app;
SET ROLE regress_matrix_app;
SET permissions.user_id = 'fay';
SELECT count(*) FROM permissions.access_matrix();
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
SELECT count(*) FROM permissions.access_matrix();
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'ann';
SELECT count(*) AS admin_rows FROM permissions.access_matrix();
RESET permissions.user_id;
RESET ROLE;

REVOKE ALL ON ALL TABLES IN SCHEMA permissions FROM regress_matrix_app;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_matrix_app;
DROP ROLE regress_matrix_app;
DROP EXTENSION permissions CASCADE;
