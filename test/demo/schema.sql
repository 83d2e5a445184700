-- A small inventory and purchasing application, the data the demo's permission
-- models talk about.  Loaded into every demo database (schema app).
--
-- Locations 1-3 are the same places as permissions.locations in seed 002; team_id,
-- budget_id and project_id are the scopes of seeds 003 and 004; created_by and
-- requested_by hold application user ids (permissions.users.user_id).

CREATE SCHEMA app;

CREATE TABLE app.locations (
	location_id bigint PRIMARY KEY,
	name text NOT NULL
);

CREATE TABLE app.items (
	item_id bigint PRIMARY KEY,
	sku text NOT NULL UNIQUE,
	name text NOT NULL
);

CREATE TABLE app.stock (
	location_id bigint NOT NULL REFERENCES app.locations,
	item_id bigint NOT NULL REFERENCES app.items,
	qty numeric NOT NULL DEFAULT 0,
	reorder_level numeric NOT NULL DEFAULT 0,
	PRIMARY KEY (location_id, item_id)
);

CREATE TABLE app.purchase_orders (
	id bigint PRIMARY KEY,
	location_id bigint NOT NULL REFERENCES app.locations,
	supplier text NOT NULL,
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'approved', 'denied', 'sent', 'completed')),
	amount numeric NOT NULL,
	created_by text,
	due_date date
);

CREATE TABLE app.sales_orders (
	id bigint PRIMARY KEY,
	location_id bigint NOT NULL REFERENCES app.locations,
	customer text NOT NULL,
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'approved', 'denied', 'sent', 'completed')),
	amount numeric NOT NULL,
	created_by text
);

CREATE TABLE app.invoices (
	id bigint PRIMARY KEY,
	project_id text,
	budget_id text,
	supplier text NOT NULL,
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'approved', 'denied', 'paid')),
	amount numeric NOT NULL,
	created_by text
);

CREATE TABLE app.expenses (
	id bigint PRIMARY KEY,
	project_id text,
	description text NOT NULL,
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'approved', 'denied', 'paid')),
	amount numeric NOT NULL,
	created_by text
);

CREATE TABLE app.reimbursements (
	id bigint PRIMARY KEY,
	team_id text NOT NULL,
	description text NOT NULL,
	status text NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'approved', 'denied', 'paid')),
	amount numeric NOT NULL,
	requested_by text
);

INSERT INTO app.locations VALUES
	(1, 'Warehouse North'),
	(2, 'Warehouse South'),
	(3, 'Store Central');

INSERT INTO app.items VALUES
	(1, 'BOLT-M8', 'Bolt M8 x 40'),
	(2, 'NUT-M8', 'Nut M8'),
	(3, 'PIPE-22', 'Copper pipe 22 mm'),
	(4, 'VALVE-22', 'Ball valve 22 mm');

INSERT INTO app.stock VALUES
	(1, 1, 1200, 500),
	(1, 2, 300, 500),
	(1, 3, 40, 25),
	(2, 1, 90, 200),
	(2, 4, 12, 10),
	(3, 3, 6, 10),
	(3, 4, 30, 10);

INSERT INTO app.purchase_orders VALUES
	(101, 1, 'Fastenal', 'pending', 1800, 'pete', current_date + 5),
	(102, 1, 'Wurth', 'approved', 650, 'fred', current_date + 2),
	(103, 2, 'Fastenal', 'draft', 240, 'dora', current_date + 14),
	(104, 2, 'Ferguson', 'pending', 9400, 'paula', current_date + 1),
	(105, 3, 'Ferguson', 'completed', 310, 'gina', current_date - 20);

INSERT INTO app.sales_orders VALUES
	(201, 1, 'Acme Plumbing', 'pending', 2300, 'sam'),
	(202, 3, 'Walk-in customer', 'completed', 85, 'sam'),
	(203, 2, 'BuildCo', 'draft', 4100, 'olga');

INSERT INTO app.invoices VALUES
	(301, 'P1', 'B1', 'Fastenal', 'pending', 1800, 'bob'),
	(302, 'P1', 'B2', 'Wurth', 'draft', 650, 'emma'),
	(303, 'P2', 'B1', 'Ferguson', 'pending', 9400, 'ava'),
	(304, 'P2', 'B2', 'Grainger', 'paid', 120, 'stan');

INSERT INTO app.expenses VALUES
	(401, 'P1', 'Site visit mileage', 'pending', 64, 'stan'),
	(402, 'P2', 'Safety boots', 'pending', 129, 'bea'),
	(403, 'P2', 'Hotel, supplier audit', 'approved', 310, 'ava');

INSERT INTO app.reimbursements VALUES
	(501, 'T1', 'Taxi to client', 'pending', 42, 'eli'),
	(502, 'T1', 'Team lunch', 'pending', 180, 'bob'),
	(503, 'T2', 'Conference ticket', 'pending', 450, 'carl'),
	(504, 'T1', 'Parking', 'approved', 12, 'emma');
