-- The checks: can (three forms), location_access, locations_with,
-- area_privileges, can_user, explain; features, admin roles, scopes.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('orders'), ('reports'), ('invoices'), ('users');
INSERT INTO permissions.features VALUES ('forecasting', true), ('legacy', false);
INSERT INTO permissions.roles (role, inherits, is_admin) VALUES
	('viewer', NULL, false), ('buyer', 'viewer', false), ('admin', NULL, true),
	('approver', NULL, false), ('member', NULL, false);
INSERT INTO permissions.role_privileges VALUES
	('viewer', 'orders', 'r'), ('viewer', 'reports', 'r'), ('buyer', 'orders', 'wd'),
	('approver', 'invoices', 'ra'), ('member', 'invoices', 'r');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access, feature) VALUES
	('orders.view',     'orders',   'r', 'location',      'read', NULL),
	('orders.create',   'orders',   'w', 'location',      'full', NULL),
	('orders.delete',   'orders',   'd', 'location',      'full', NULL),
	('orders.screen',   'orders',   'r', 'any_location',  'full', NULL),
	('orders.archive',  'orders',   'w', 'none',          'read', NULL),
	('reports.all',     'reports',  'r', 'all_locations', 'read', NULL),
	('reports.forecast','reports',  'r', 'none',          'read', 'forecasting'),
	('reports.legacy',  'reports',  'r', 'none',          'read', 'legacy'),
	('invoices.approve','invoices', 'a', 'none',          'read', NULL),
	('users.admin',     'users',    'w', 'none',          'read', NULL);
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York'), (3, 'Hull');
INSERT INTO permissions.users (user_id, role, default_location_access) VALUES
	('bea', 'buyer', 'none'), ('vic', 'viewer', 'read'), ('ada', 'admin', 'none'),
	('pat', 'member', 'none'), ('noo', NULL, 'full');
INSERT INTO permissions.location_access VALUES
	('bea', 1, 'full'), ('bea', 2, 'read'), ('vic', 3, 'none');
INSERT INTO permissions.memberships VALUES
	('pat', 'project', 'P1', 'approver'), ('pat', 'project', 'P2', 'member');

-- one row per user and action, at each location and without one
CREATE FUNCTION pg_temp.grid(u text) RETURNS TABLE (action text, no_loc bool, l1 bool, l2 bool, l3 bool, l9 bool)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('permissions.user_id', u, true);
	RETURN QUERY SELECT a.action::text, permissions.can(a.action), permissions.can(a.action, 1),
		permissions.can(a.action, 2), permissions.can(a.action, 3), permissions.can(a.action, 9)
	  FROM permissions.actions a ORDER BY a.action;
END $$;
SELECT * FROM pg_temp.grid('bea');
SELECT * FROM pg_temp.grid('vic');
SELECT * FROM pg_temp.grid('ada');
SELECT * FROM pg_temp.grid('noo');

-- location_access, locations_with, area_privileges
SET permissions.user_id = 'bea';
SELECT l, permissions.location_access(l) FROM generate_series(1, 4) l;
SELECT permissions.locations_with() AS readable, permissions.locations_with('full') AS full,
	permissions.locations_with('none') AS any_known;
SELECT permissions.area_privileges('orders') AS orders, permissions.area_privileges('reports') AS reports,
	permissions.area_privileges('invoices') AS invoices, permissions.area_privileges('nosuch') AS nosuch;
SET permissions.user_id = 'vic';
SELECT l, permissions.location_access(l) FROM generate_series(1, 4) l;
SELECT permissions.locations_with() AS readable, permissions.locations_with('full') AS full;
SET permissions.user_id = 'ada';
SELECT permissions.location_access(1) AS admin_known, permissions.location_access(42) AS admin_unknown, permissions.area_privileges('orders') AS admin_privs,
	permissions.locations_with('full') AS admin_full;
RESET permissions.user_id;
SELECT permissions.location_access(1) AS nobody, permissions.locations_with() AS nobody_locs,
	permissions.area_privileges('orders') AS nobody_privs;

-- scoped roles count only in exactly their scope
SET permissions.user_id = 'pat';
SELECT permissions.can('invoices.approve') AS global,
	permissions.can('invoices.approve', 'project', 'P1') AS p1,
	permissions.can('invoices.approve', 'project', 'P2') AS p2,
	permissions.can('invoices.approve', 'team', 'P1') AS other_scope,
	permissions.can('invoices.approve', 'project', NULL) AS null_scope_id;
SELECT permissions.explain('invoices.approve');
SELECT permissions.explain_in_scope('invoices.approve', 'project', 'P1');
SELECT permissions.explain_in_scope('invoices.approve', 'project', 'P2');
SELECT permissions.explain_in_scope('invoices.approve', 'project', 'P1', 'bea');
-- global roles also count in a scope
SET permissions.user_id = 'bea';
SELECT permissions.can('orders.archive', 'project', 'P1') AS global_in_scope;

-- NULL arguments are denials, never NULL
SELECT permissions.can(NULL) AS a, permissions.can(NULL, 1) AS b, permissions.can('orders.view', NULL::bigint) AS c,
	permissions.can('orders.archive', NULL::bigint) AS d, permissions.can(NULL, 'project', 'P1') AS e;

-- explain: every kind of answer
SELECT permissions.explain('orders.create', 1);
SELECT permissions.explain('orders.create', 2);
SELECT permissions.explain('orders.create');
SELECT permissions.explain('orders.screen');
SELECT permissions.explain('reports.all');
SELECT permissions.explain('reports.legacy');
SELECT permissions.explain('invoices.approve');
SELECT permissions.explain('no.such.action', 1);
SET permissions.user_id = 'vic';
SELECT permissions.explain('orders.screen');
SELECT permissions.explain('reports.all');
SELECT permissions.explain('orders.view', 3);
SET permissions.user_id = 'noo';
SELECT permissions.explain('orders.view', 1);
SET permissions.user_id = 'ada';
SELECT permissions.explain('orders.delete', 77);
SELECT permissions.explain('reports.legacy');

-- can_user and explain for others need users.admin
SELECT permissions.can_user('bea', 'orders.create', 1) AS bea_1, permissions.can_user('bea', 'orders.create', 2) AS bea_2,
	permissions.can_user('bea', 'orders.create') AS bea_none, permissions.can_user('bea', 'nope') AS unknown_action;
SELECT permissions.explain('orders.create', 1, 'bea');
SELECT permissions.explain('orders.create', 1, 'ghost');
SELECT permissions.can_user('ghost', 'orders.create', 1);
\echo :LAST_ERROR_SQLSTATE
-- (as an ordinary login role: a superuser may always look)
CREATE ROLE regress_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_app;
SET ROLE regress_app;
SET permissions.user_id = 'bea';
SELECT permissions.can_user('vic', 'orders.view', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.explain('orders.view', 1, 'vic');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.explain('orders.view', 1, 'bea') AS own_explain_is_fine;
SET permissions.user_id = 'ada';
SELECT permissions.can_user('vic', 'orders.view', 1) AS admin_may;
RESET ROLE;

-- a disabled feature denies everyone, administrators included
SET permissions.user_id = 'ada';
SELECT permissions.can('reports.forecast') AS before;
UPDATE permissions.features SET enabled = false WHERE feature = 'forecasting';
SELECT permissions.can('reports.forecast') AS after;

-- an inactive administrator can do nothing
UPDATE permissions.users SET active = false WHERE user_id = 'ada';
SELECT permissions.can('orders.view', 1) AS inactive_admin, permissions.location_access(1) AS access;
RESET permissions.user_id;

-- all_locations: a new location is not inherited
SET permissions.user_id = 'bea';
UPDATE permissions.location_access SET access = 'read' WHERE user_id = 'bea' AND location_id = 3;
INSERT INTO permissions.location_access VALUES ('bea', 3, 'read');
SELECT permissions.can('reports.all') AS all_granted;
RESET permissions.user_id;
INSERT INTO permissions.locations VALUES (4, 'Wakefield');
SET permissions.user_id = 'bea';
SELECT permissions.can('reports.all') AS after_new_location, permissions.location_access(4) AS new_location;
DELETE FROM permissions.location_access WHERE user_id = 'vic';
SET permissions.user_id = 'vic';
SELECT permissions.can('reports.all') AS default_read_covers_new_location;
RESET permissions.user_id;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_app;
DROP ROLE regress_app;

DROP EXTENSION permissions CASCADE;
