-- Seed 002: a planning app with Client Administrators and location-restricted users
-- (shared/seeds/002_844b68fb60914cff.txt).
--
-- What the seed says, and how it is modelled:
--   "Client Administrator: Has full access across all locations, settings, user
--    administration, and system functions."
--      -> role client_admin, is_admin.
--   "A Restricted User can work only in the locations assigned to them, and their
--    capability depends on whether access is full, read-only, or no access."
--      -> role restricted; its privileges cover exactly the matrix cells that are
--         not admin-only, and each action's location rule + min_access says which
--         access level it needs (the matrix's three Restricted columns).
--   "Access Matrix by Role and Location Permission" -> one action per row:
--      Locations | View location data         -> locations.view      location, read
--      Locations | Edit location              -> locations.edit      location, full
--      User Profile | Edit own access level   -> profile.edit_own_access  admin only
--      Settings | Configuration, Classification configuration, Policy defaults,
--                 Policy overrides, Region setup -> settings.*         admin only
--      System | User Admin                    -> system.user_admin    admin only
--                                                (and users.admin, the extension's
--                                                 right to change this model)
--      System | User Logs, Data quality report, Data refresh -> system.*  admin only
--      Suppliers | Edit suppliers             -> suppliers.edit       admin only
--      Orders | Access Orders screen          -> orders.screen  any_location, full
--                 ("No full access to any location: the user cannot access the
--                   Orders screen")
--      Orders | Create orders, Edit or action orders -> orders.create/edit  location, full
--      Orders Saved | Everyone's Orders tab   -> orders.everyone_tab  admin only
--      Orders Saved | Download or archive     -> orders.download     location, full
--      Dashboard | Mute items                 -> dashboard.mute      location, full
--      Forecasts | Adjust item/total forecast -> forecasts.*         location, full
--      Inquiry | Edit stocking indicator, Amend forecast -> inquiry.*  location, full
--      Comments | Add comments, Delete own comments -> comments.*    location, read
--   "Access to every location: Full access to the Supplier Performance Feature, Stock
--    Projection Feature, Report Builder, and Advanced Reports." / "Missing access to
--    even one location: The above features are removed unless default location
--    access = Read only or Full."
--      -> reports.* with location rule all_locations, min_access read (explicit
--         grants or the user's default must give at least read everywhere).
--   "No automatic inheritance: Restricted Users do not automatically gain access to
--    new locations." -> default_location_access stays 'none' unless stated.
--
-- Users: carla is a Client Administrator; fred, rita and nora are the matrix's
-- Restricted Full / Read-Only / No Access columns at Warehouse North (location 1),
-- with nothing higher anywhere else; gina has explicit access to every location;
-- dora has a default of read.

INSERT INTO permissions.areas (area, description) VALUES
	('locations', 'location data'),
	('profile', 'the user''s own profile and access level'),
	('settings', 'configuration, classification, policies, regions'),
	('system', 'user administration, user logs, data quality, data refresh'),
	('suppliers', 'supplier records'),
	('orders', 'orders: screen, create, edit, download or archive'),
	('everyone_orders', 'orders saved by other users (Everyone''s Orders tab)'),
	('dashboard', 'the dashboard'),
	('forecasts', 'item and total forecasts'),
	('inquiry', 'stocking indicators and forecast amendments'),
	('comments', 'comments on items'),
	('reports', 'Supplier Performance, Stock Projection, Report Builder, Advanced Reports');

INSERT INTO permissions.roles (role, inherits, is_admin, description) VALUES
	('client_admin', NULL, true, 'Client Administrator: full access across all locations, settings, user administration and system functions'),
	('restricted', NULL, false, 'Restricted User: works only in the locations assigned to them');

-- The Client Administrator needs no rows here: is_admin gives every action.
INSERT INTO permissions.role_privileges (role, area, privileges) VALUES
	('restricted', 'locations', 'rw'),
	('restricted', 'orders', 'rw'),
	('restricted', 'dashboard', 'w'),
	('restricted', 'forecasts', 'w'),
	('restricted', 'inquiry', 'w'),
	('restricted', 'comments', 'wd'),
	('restricted', 'reports', 'r');

INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access, description) VALUES
	('locations.view', 'locations', 'r', 'location', 'read', 'Locations: View location data'),
	('locations.edit', 'locations', 'w', 'location', 'full', 'Locations: Edit location'),
	('profile.edit_own_access', 'profile', 'w', 'none', 'read', 'User Profile: Edit own access level'),
	('settings.configuration', 'settings', 'w', 'none', 'read', 'Settings: Configuration'),
	('settings.classification', 'settings', 'w', 'none', 'read', 'Settings: Classification configuration'),
	('settings.policy_defaults', 'settings', 'w', 'none', 'read', 'Settings: Policy defaults'),
	('settings.policy_overrides', 'settings', 'w', 'none', 'read', 'Settings: Policy overrides'),
	('settings.region_setup', 'settings', 'w', 'none', 'read', 'Settings: Region setup'),
	('system.user_admin', 'system', 'w', 'none', 'read', 'System: User Admin'),
	('users.admin', 'system', 'w', 'none', 'read', 'change users and the permission model'),
	('system.user_logs', 'system', 'r', 'none', 'read', 'System: User Logs'),
	('system.data_quality_report', 'system', 'r', 'none', 'read', 'System: Data quality report'),
	('system.data_refresh', 'system', 'w', 'none', 'read', 'System: Data refresh'),
	('suppliers.edit', 'suppliers', 'w', 'none', 'read', 'Suppliers: Edit suppliers'),
	('orders.screen', 'orders', 'r', 'any_location', 'full', 'Orders: Access Orders screen'),
	('orders.create', 'orders', 'w', 'location', 'full', 'Orders: Create orders'),
	('orders.edit', 'orders', 'w', 'location', 'full', 'Orders: Edit or action orders'),
	('orders.everyone_tab', 'everyone_orders', 'r', 'none', 'read', 'Orders Saved: Everyone''s Orders tab'),
	('orders.download', 'orders', 'w', 'location', 'full', 'Orders Saved: Download or archive orders'),
	('dashboard.mute', 'dashboard', 'w', 'location', 'full', 'Dashboard: Mute items'),
	('forecasts.adjust_item', 'forecasts', 'w', 'location', 'full', 'Forecasts: Adjust item forecast'),
	('forecasts.adjust_total', 'forecasts', 'w', 'location', 'full', 'Forecasts: Adjust total forecast'),
	('inquiry.edit_stocking_indicator', 'inquiry', 'w', 'location', 'full', 'Inquiry: Edit stocking indicator'),
	('inquiry.amend_forecast', 'inquiry', 'w', 'location', 'full', 'Inquiry: Amend forecast'),
	('comments.add', 'comments', 'w', 'location', 'read', 'Comments: Add comments'),
	('comments.delete_own', 'comments', 'd', 'location', 'read', 'Comments: Delete own comments'),
	('reports.supplier_performance', 'reports', 'r', 'all_locations', 'read', 'Supplier Performance feature'),
	('reports.stock_projection', 'reports', 'r', 'all_locations', 'read', 'Stock Projection feature'),
	('reports.report_builder', 'reports', 'r', 'all_locations', 'read', 'Report Builder'),
	('reports.advanced', 'reports', 'r', 'all_locations', 'read', 'Advanced Reports');

INSERT INTO permissions.locations (location_id, name) VALUES
	(1, 'Warehouse North'),
	(2, 'Warehouse South'),
	(3, 'Store Central');

INSERT INTO permissions.users (user_id, role, default_location_access, email, display_name) VALUES
	('carla', 'client_admin', 'none', 'carla@example.com', 'Carla (Client Administrator)'),
	('fred', 'restricted', 'none', 'fred@example.com', 'Fred (restricted, full at Warehouse North)'),
	('rita', 'restricted', 'none', 'rita@example.com', 'Rita (restricted, read-only at Warehouse North)'),
	('nora', 'restricted', 'none', 'nora@example.com', 'Nora (restricted, no access at Warehouse North)'),
	('gina', 'restricted', 'none', 'gina@example.com', 'Gina (restricted, access to every location)'),
	('dora', 'restricted', 'read', 'dora@example.com', 'Dora (restricted, default read, full at Warehouse South)');

INSERT INTO permissions.location_access (user_id, location_id, access) VALUES
	('fred', 1, 'full'),
	('rita', 1, 'read'),
	('nora', 1, 'none'),
	('nora', 2, 'read'),
	('gina', 1, 'full'),
	('gina', 2, 'read'),
	('gina', 3, 'read'),
	('dora', 2, 'full');
