-- permissions.access_level: none < read < full (src/access_level.c)

CREATE TYPE permissions.access_level;

CREATE FUNCTION permissions.access_level_in(cstring) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_out(permissions.access_level) RETURNS cstring
	AS 'MODULE_PATHNAME', 'permissions_access_level_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_recv(internal) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_send(permissions.access_level) RETURNS bytea
	AS 'MODULE_PATHNAME', 'permissions_access_level_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE permissions.access_level (
	INPUT = permissions.access_level_in,
	OUTPUT = permissions.access_level_out,
	RECEIVE = permissions.access_level_recv,
	SEND = permissions.access_level_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE permissions.access_level IS 'access to a location: none < read < full';

CREATE FUNCTION permissions.access_level_eq(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_ne(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_lt(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_le(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_gt(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_ge(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_cmp(permissions.access_level, permissions.access_level) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_access_level_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_hash(permissions.access_level) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_access_level_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_hash_extended(permissions.access_level, int8) RETURNS int8
	AS 'MODULE_PATHNAME', 'permissions_access_level_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_larger(permissions.access_level, permissions.access_level) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_smaller(permissions.access_level, permissions.access_level) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR permissions.= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_eq, COMMUTATOR = OPERATOR(permissions.=),
	NEGATOR = OPERATOR(permissions.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR permissions.<> (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_ne, COMMUTATOR = OPERATOR(permissions.<>),
	NEGATOR = OPERATOR(permissions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR permissions.< (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_lt, COMMUTATOR = OPERATOR(permissions.>),
	NEGATOR = OPERATOR(permissions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR permissions.<= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_le, COMMUTATOR = OPERATOR(permissions.>=),
	NEGATOR = OPERATOR(permissions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR permissions.> (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_gt, COMMUTATOR = OPERATOR(permissions.<),
	NEGATOR = OPERATOR(permissions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR permissions.>= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_ge, COMMUTATOR = OPERATOR(permissions.<=),
	NEGATOR = OPERATOR(permissions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS permissions.access_level_ops
	DEFAULT FOR TYPE permissions.access_level USING btree AS
		OPERATOR 1 permissions.<,
		OPERATOR 2 permissions.<=,
		OPERATOR 3 permissions.=,
		OPERATOR 4 permissions.>=,
		OPERATOR 5 permissions.>,
		FUNCTION 1 permissions.access_level_cmp(permissions.access_level, permissions.access_level);

CREATE OPERATOR CLASS permissions.access_level_hash_ops
	DEFAULT FOR TYPE permissions.access_level USING hash AS
		OPERATOR 1 permissions.=,
		FUNCTION 1 permissions.access_level_hash(permissions.access_level),
		FUNCTION 2 permissions.access_level_hash_extended(permissions.access_level, int8);

CREATE AGGREGATE permissions.min(permissions.access_level) (
	SFUNC = permissions.access_level_smaller, STYPE = permissions.access_level,
	COMBINEFUNC = permissions.access_level_smaller, SORTOP = OPERATOR(permissions.<),
	PARALLEL = SAFE);
CREATE AGGREGATE permissions.max(permissions.access_level) (
	SFUNC = permissions.access_level_larger, STYPE = permissions.access_level,
	COMBINEFUNC = permissions.access_level_larger, SORTOP = OPERATOR(permissions.>),
	PARALLEL = SAFE);

CREATE CAST (permissions.access_level AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS permissions.access_level) WITH INOUT;
CREATE CAST (permissions.access_level AS varchar) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS permissions.access_level) WITH INOUT;
