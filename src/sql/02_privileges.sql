-- permissions.privileges: a set of the letters r w d a o (src/privileges.c)

CREATE TYPE permissions.privileges;

CREATE FUNCTION permissions.privileges_in(cstring) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_out(permissions.privileges) RETURNS cstring
	AS 'MODULE_PATHNAME', 'permissions_privileges_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_recv(internal) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_send(permissions.privileges) RETURNS bytea
	AS 'MODULE_PATHNAME', 'permissions_privileges_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE permissions.privileges (
	INPUT = permissions.privileges_in,
	OUTPUT = permissions.privileges_out,
	RECEIVE = permissions.privileges_recv,
	SEND = permissions.privileges_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE permissions.privileges IS 'a set of privilege letters: r read, w write, d delete, a approve, o override';

CREATE FUNCTION permissions.privileges_eq(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_ne(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_lt(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_le(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_gt(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_ge(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_cmp(permissions.privileges, permissions.privileges) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_privileges_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_hash(permissions.privileges) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_privileges_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_hash_extended(permissions.privileges, int8) RETURNS int8
	AS 'MODULE_PATHNAME', 'permissions_privileges_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_contains(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_contained(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_union(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_union' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_intersect(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_intersect' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_minus(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_minus' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR permissions.= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_eq, COMMUTATOR = OPERATOR(permissions.=),
	NEGATOR = OPERATOR(permissions.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR permissions.<> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_ne, COMMUTATOR = OPERATOR(permissions.<>),
	NEGATOR = OPERATOR(permissions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR permissions.< (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_lt, COMMUTATOR = OPERATOR(permissions.>),
	NEGATOR = OPERATOR(permissions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR permissions.<= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_le, COMMUTATOR = OPERATOR(permissions.>=),
	NEGATOR = OPERATOR(permissions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR permissions.> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_gt, COMMUTATOR = OPERATOR(permissions.<),
	NEGATOR = OPERATOR(permissions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR permissions.>= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_ge, COMMUTATOR = OPERATOR(permissions.<=),
	NEGATOR = OPERATOR(permissions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR permissions.@> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_contains, COMMUTATOR = OPERATOR(permissions.<@),
	RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR permissions.<@ (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_contained, COMMUTATOR = OPERATOR(permissions.@>),
	RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR permissions.| (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_union, COMMUTATOR = OPERATOR(permissions.|));
CREATE OPERATOR permissions.& (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_intersect, COMMUTATOR = OPERATOR(permissions.&));
CREATE OPERATOR permissions.- (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_minus);

CREATE OPERATOR CLASS permissions.privileges_ops
	DEFAULT FOR TYPE permissions.privileges USING btree AS
		OPERATOR 1 permissions.<,
		OPERATOR 2 permissions.<=,
		OPERATOR 3 permissions.=,
		OPERATOR 4 permissions.>=,
		OPERATOR 5 permissions.>,
		FUNCTION 1 permissions.privileges_cmp(permissions.privileges, permissions.privileges);

CREATE OPERATOR CLASS permissions.privileges_hash_ops
	DEFAULT FOR TYPE permissions.privileges USING hash AS
		OPERATOR 1 permissions.=,
		FUNCTION 1 permissions.privileges_hash(permissions.privileges),
		FUNCTION 2 permissions.privileges_hash_extended(permissions.privileges, int8);

-- the union of a column; the empty set over no rows
CREATE AGGREGATE permissions.privileges_union(permissions.privileges) (
	SFUNC = permissions.privileges_union, STYPE = permissions.privileges,
	COMBINEFUNC = permissions.privileges_union, INITCOND = '', PARALLEL = SAFE);

CREATE CAST (permissions.privileges AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS permissions.privileges) WITH INOUT;
CREATE CAST (permissions.privileges AS varchar) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS permissions.privileges) WITH INOUT;
