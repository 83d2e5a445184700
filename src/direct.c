/*
 * direct.c
 *		Writing the extension's own append-only tables straight into the heap
 *		and their indexes.
 *
 * The activity log and the notifications are written on the hot path of
 * every tracked change and every approval; the executor's start-up for an
 * INSERT costs more than the row.  While such a table is exactly as the
 * extension made it -- every column known, no other column, no insert
 * triggers, no CHECK constraints, only plain immediate indexes, a heap --
 * a row goes in the way CatalogTupleInsert puts a catalog row in: one
 * heap_insert, one index_insert per index.  Anything else a DBA added or
 * changed (an expression index, a column with a default, a trigger, a
 * column's type or NOT NULL) makes the caller use its SQL path, which
 * honours it.
 *
 * What a table looks like, and its indexes' descriptions (with what their
 * access methods keep in them, e.g. BRIN's opclass descriptor), are kept
 * until the relcache entry of the table or of one of its indexes changes:
 * CREATE / DROP INDEX, REINDEX and each stage of the CONCURRENTLY forms all
 * cause one.  The locks are those an INSERT takes, held to the end of the
 * transaction.
 */
#include "permissions.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_index.h"
#include "commands/sequence.h"
#include "parser/parse_relation.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#define MAX_DIRECT_TABLES 4

static PermDirectTable *direct_tables[MAX_DIRECT_TABLES];
static int	ndirect_tables = 0;

static void
direct_relcache_callback(Datum arg, Oid relid)
{
	for (int t = 0; t < ndirect_tables; t++)
	{
		PermDirectTable *d = direct_tables[t];

		if (!OidIsValid(relid) || relid == d->relid)
			d->relid = InvalidOid;
		for (int i = 0; i < d->nindexes; i++)
		{
			if (relid == d->indexes[i])
				d->relid = InvalidOid;
		}
	}
}

void
perm_direct_init(void)
{
	CacheRegisterRelcacheCallback(direct_relcache_callback, (Datum) 0);
}

/*
 * Find out whether rel is plain enough to write directly, and describe it
 */
static void
describe(PermDirectTable *d, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *indexes;
	ListCell   *lc;
	int			nlive = 0;

	d->relid = InvalidOid;
	d->direct = true;
	for (int i = 0; i < d->ncols; i++)
	{
		Form_pg_attribute att;

		d->attnums[i] = attnameAttNum(rel, d->columns[i], false);
		if (d->attnums[i] <= 0)
		{
			d->direct = false;
			continue;
		}
		/* a type, typmod, NOT NULL or generation a DBA changed is the SQL path's to honour */
		att = TupleDescAttr(desc, d->attnums[i] - 1);
		if (att->atttypid != d->types[i] || att->atttypmod != -1 || att->attgenerated ||
			(att->attnotnull && d->nullable[i]))
			d->direct = false;
	}
	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			nlive++;
	if (nlive != d->ncols)
		d->direct = false;
	if (rel->trigdesc && (rel->trigdesc->trig_insert_before_row ||
						  rel->trigdesc->trig_insert_after_row ||
						  rel->trigdesc->trig_insert_instead_row ||
						  rel->trigdesc->trig_insert_before_statement ||
						  rel->trigdesc->trig_insert_after_statement))
		d->direct = false;
	if (desc->constr && desc->constr->num_check > 0)
		d->direct = false;
	if (rel->rd_rules != NULL)	/* a DBA's rule (ON INSERT DO ALSO ...) */
		d->direct = false;
	if (rel->rd_tableam != GetHeapamTableAmRoutine() || rel->rd_rel->relkind != RELKIND_RELATION)
		d->direct = false;

	if (d->cxt == NULL)
		d->cxt = AllocSetContextCreate(TopMemoryContext, "permissions direct table",
									   ALLOCSET_SMALL_SIZES);
	MemoryContextReset(d->cxt);
	d->nindexes = 0;
	indexes = RelationGetIndexList(rel);
	if (list_length(indexes) > PERM_DIRECT_MAX_INDEXES)
		d->direct = false;
	foreach(lc, indexes)
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);

		if (!heap_attisnull(index->rd_indextuple, Anum_pg_index_indexprs, NULL) ||
			!heap_attisnull(index->rd_indextuple, Anum_pg_index_indpred, NULL) ||
			!index->rd_index->indimmediate || index->rd_index->indisexclusion)
			d->direct = false;
		else if (d->direct)
		{
			MemoryContext old = MemoryContextSwitchTo(d->cxt);
			IndexInfo  *info = BuildIndexInfo(index);

			MemoryContextSwitchTo(old);
			for (int k = 0; k < info->ii_NumIndexAttrs; k++)
				if (info->ii_IndexAttrNumbers[k] <= 0)
					d->direct = false;
			d->indexes[d->nindexes] = RelationGetRelid(index);
			d->index_info[d->nindexes++] = info;
		}
		index_close(index, AccessShareLock);
	}
	list_free(indexes);
	d->seqid = d->direct ? getIdentitySequence(RelationGetRelid(rel), d->attnums[0], true) : InvalidOid;
	if (!OidIsValid(d->seqid))
		d->direct = false;
	d->relid = RelationGetRelid(rel);
}

/*
 * Open permissions.<name> for inserting (RowExclusiveLock, to the end of
 * the transaction); afterwards d->direct says whether perm_direct_insert
 * may be used
 */
Relation
perm_direct_open(PermDirectTable *d)
{
	Oid			relid = d->relid;
	Relation	rel;

	if (!d->registered)
	{
		if (ndirect_tables >= MAX_DIRECT_TABLES || d->ncols > PERM_DIRECT_MAX_COLS)
			elog(ERROR, "permissions.%s cannot be written directly", d->name);
		direct_tables[ndirect_tables++] = d;
		d->registered = true;
	}
	if (!OidIsValid(relid))
		relid = get_relname_relid(d->name, get_namespace_oid("permissions", false));
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"permissions.%s\" does not exist", d->name),
				 errhint("Reinstall the extension.")));
	rel = table_open(relid, RowExclusiveLock);
	if (d->relid != relid)
		describe(d, rel);
	return rel;
}

/*
 * Insert one row: values and nulls by the table's column list (d->columns);
 * the first column, the identity, is filled in here and returned
 */
int64
perm_direct_insert(PermDirectTable *d, Relation rel, Datum *values, bool *nulls)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum		local_row[PERM_DIRECT_MAX_COLS];
	bool		local_nulls[PERM_DIRECT_MAX_COLS];
	bool		local = desc->natts <= PERM_DIRECT_MAX_COLS;	/* else dropped columns */
	Datum	   *row = local ? local_row : palloc(sizeof(Datum) * desc->natts);
	bool	   *rownulls = local ? local_nulls : palloc(sizeof(bool) * desc->natts);
	int64		id = nextval_internal(d->seqid, false);
	HeapTuple	tup;

	/*
	 * d->relid may have been reset by an invalidation since the table was
	 * opened (an ANALYZE, say); the description still holds: what would
	 * change it (an index becoming ready, a new column) waits for the lock
	 * perm_direct_open took
	 */
	Assert(d->direct);
	for (int i = 0; i < desc->natts; i++)
	{
		row[i] = (Datum) 0;
		rownulls[i] = true;
	}
	values[0] = Int64GetDatum(id);
	nulls[0] = false;
	for (int i = 0; i < d->ncols; i++)
	{
		row[d->attnums[i] - 1] = values[i];
		rownulls[d->attnums[i] - 1] = nulls[i];
	}
	tup = heap_form_tuple(desc, row, rownulls);
	heap_insert(rel, tup, GetCurrentCommandId(true), 0, NULL);
	for (int i = 0; i < d->nindexes; i++)
	{
		IndexInfo  *info = d->index_info[i];
		Relation	index;
		Datum		ivalues[INDEX_MAX_KEYS];
		bool		inulls[INDEX_MAX_KEYS];

		if (!info->ii_ReadyForInserts)
			continue;
		for (int k = 0; k < info->ii_NumIndexAttrs; k++)
		{
			ivalues[k] = row[info->ii_IndexAttrNumbers[k] - 1];
			inulls[k] = rownulls[info->ii_IndexAttrNumbers[k] - 1];
		}
		/* the lock stays until the transaction ends, as for any insert */
		index = index_open(d->indexes[i], RowExclusiveLock);
		index_insert(index, ivalues, inulls, &tup->t_self, rel,
					 index->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
					 false, info);
		index_close(index, NoLock);
	}
	heap_freetuple(tup);
	if (!local)
	{
		pfree(row);
		pfree(rownulls);
	}
	return id;
}
