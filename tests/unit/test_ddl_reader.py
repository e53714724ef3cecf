"""The DDL reader, one form at a time; expected values come from the MySQL 8 reference manual
(CREATE TABLE, ALTER TABLE, CREATE INDEX, CREATE VIEW, Comments, Data Type Storage), not from the reader."""

from __future__ import annotations

import pytest

from mappings.errors import Severity
from mappings.schema import UNKNOWN_TYPE, Column, ForeignKey, Index, IndexKind, SourceSchema, Table
from mappings.schema.ddl import DdlReport, UnreadStatement, read_ddl, read_ddl_report, unread_warnings
from mappings.schema.ddl_statements import split_statements


def read(text: str) -> SourceSchema:
    report = read_ddl_report(text)
    assert report.unread == (), [str(u) for u in report.unread]
    return report.schema


def table(text: str, name: str = "t") -> Table:
    found = read(text).table(name)
    assert found is not None, name
    return found


# --- primary keys -------------------------------------------------------------------------------


def test_named_primary_key_constraint_is_the_primary_key() -> None:
    t = table("CREATE TABLE t (ID_ VARCHAR(64), REV_ INT, CONSTRAINT PK_T PRIMARY KEY (ID_))")
    assert t.primary_key == ("ID_",)
    assert t.columns[0] == Column("ID_", "varchar", nullable=False, length=64)  # PRIMARY KEY implies NOT NULL


def test_inline_primary_key_and_inline_key() -> None:
    """'The key attribute PRIMARY KEY can also be specified as just KEY when given in a column definition.'"""
    assert table("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT)").primary_key == ("id",)
    assert table("CREATE TABLE t (id INT KEY)").primary_key == ("id",)


def test_composite_primary_key_after_the_indexes_in_key_order() -> None:
    t = table("CREATE TABLE t (a INT, b INT, c INT, INDEX i (c), PRIMARY KEY(b, a))")
    assert t.primary_key == ("b", "a")
    assert [c.nullable for c in t.columns] == [False, False, True]


def test_key_columns_take_the_declared_spelling() -> None:
    assert table("CREATE TABLE t (Id INT, PRIMARY KEY (ID))").primary_key == ("Id",)


# --- unique keys --------------------------------------------------------------------------------


def test_unique_keys_named_unnamed_inline_and_without_key() -> None:
    t = table(
        "CREATE TABLE t (a INT UNIQUE, b INT, c INT, d INT, e INT,"
        " CONSTRAINT uq_bc UNIQUE (b, c), UNIQUE KEY (d), UNIQUE `uniq.e` (e), UNIQUE INDEX ux (c, b))"
    )
    assert t.unique_keys == (("a",), ("b", "c"), ("d",), ("e",), ("c", "b"))


def test_prefix_length_key_columns_name_the_column() -> None:
    t = table(
        "CREATE TABLE t (meta_key VARCHAR(255), domain VARCHAR(200), path VARCHAR(100),"
        " KEY meta_key (meta_key(191)), UNIQUE KEY domain (domain(140), path(51)))"
    )
    assert t.indexes == (Index("meta_key", ("meta_key",)),)
    assert t.unique_keys == (("domain", "path"),)


# --- foreign keys -------------------------------------------------------------------------------


def test_foreign_keys_unnamed_named_composite_and_schema_qualified() -> None:
    t = table(
        "CREATE TABLE t (a INT, b INT, c INT, d INT,"
        " FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE,"
        " CONSTRAINT fk_bc FOREIGN KEY (b, c) REFERENCES q (x, y) ON DELETE SET NULL ON UPDATE NO ACTION,"
        " constraint X foreign key (d) references `db`.`r`(id),"
        " PRIMARY KEY (a))"
    )
    assert t.foreign_keys == (
        ForeignKey(("a",), "p", ("id",)),
        ForeignKey(("b", "c"), "q", ("x", "y")),
        ForeignKey(("d",), "r", ("id",)),
    )
    assert [c.nullable for c in t.columns] == [False, True, True, True]  # SET NULL is an action, not a NULL


def test_innodb_adds_an_index_for_a_foreign_key_without_one() -> None:
    """'In the referencing table, there must be an index where the foreign key columns are listed as the
    first columns in the same order. Such an index is created on the referencing table automatically.'"""
    t = table(
        "CREATE TABLE t (a INT, b INT, c INT, PRIMARY KEY (a, b),"
        " CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES p (id),"
        " FOREIGN KEY (c) REFERENCES p (id))"
    )
    assert t.indexes == (Index("fk_b", ("b",)), Index("c", ("c",)))  # a is the primary key's first column


def test_an_index_added_later_replaces_the_one_innodb_added() -> None:
    t = table(
        "CREATE TABLE t (a INT, b INT, CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES p (id));"
        "CREATE INDEX i_ab ON t (a, b);"
    )
    assert t.indexes == (Index("i_ab", ("a", "b")),)


# --- CHECK, generated columns, ENUM/SET, types ----------------------------------------------------


def test_check_constraints_leave_the_columns_as_they_are() -> None:
    t = table(
        "CREATE TABLE t (a INT CHECK (a > 0), price JSON NOT NULL, code CHAR(32),"
        " CONSTRAINT `json.t.price` CHECK (JSON_VALID(`price`)), CHECK (CHAR_LENGTH(code) = 32) NOT ENFORCED)"
    )
    assert t.columns == (
        Column("a", "int"),
        Column("price", "json", nullable=False),
        Column("code", "char", length=32),
    )


def test_generated_columns() -> None:
    t = table(
        "CREATE TABLE t (price JSON,"
        ' total DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.totalPrice"))) VIRTUAL,'
        " twice INT AS (total * 2) STORED NOT NULL)"
    )
    assert t.columns[1:] == (
        Column("total", "double", generated=True),
        Column("twice", "int", nullable=False, generated=True),
    )


def test_enum_and_set_members() -> None:
    t = table("CREATE TABLE t (gender ENUM ('M','F') NOT NULL, f SET('it''s', 'Behind the Scenes') DEFAULT NULL)")
    assert t.columns == (
        Column("gender", "enum", nullable=False, values=("M", "F")),
        Column("f", "set", values=("it's", "Behind the Scenes")),
    )


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("INT(11) UNSIGNED ZEROFILL", Column("c", "int", unsigned=True)),  # a display width is no size
        ("BOOLEAN", Column("c", "tinyint")),  # 'BOOL, BOOLEAN: These types are synonyms for TINYINT(1)'
        ("INTEGER", Column("c", "int")),
        ("INT8", Column("c", "bigint")),
        ("MIDDLEINT", Column("c", "mediumint")),
        ("SERIAL", Column("c", "bigint", nullable=False, unsigned=True)),  # BIGINT UNSIGNED NOT NULL ...
        ("DOUBLE PRECISION UNSIGNED", Column("c", "double", unsigned=True)),
        ("REAL", Column("c", "double")),  # 'REAL is a synonym for DOUBLE' (unless REAL_AS_FLOAT)
        ("FLOAT(30)", Column("c", "double")),  # 'from 25 to 53, the data type becomes DOUBLE'
        ("DECIMAL", Column("c", "decimal", precision=10, scale=0)),  # 'The default value of M is 10'
        ("NUMERIC(6)", Column("c", "decimal", precision=6, scale=0)),
        ("DECIMAL(19,4)", Column("c", "decimal", precision=19, scale=4)),
        ("CHAR", Column("c", "char", length=1)),  # 'If M is omitted, the length is 1'
        ("NATIONAL VARCHAR(10)", Column("c", "varchar", length=10)),
        ("VARCHAR(40) BINARY", Column("c", "varchar", length=40)),
        ("VARCHAR(255) COLLATE utf8mb4_unicode_ci", Column("c", "varchar", length=255)),
        ("TEXT CHARACTER SET latin1", Column("c", "text")),
        ("LONG VARCHAR", Column("c", "mediumtext")),  # LONG and LONG VARCHAR map to MEDIUMTEXT
        ("BLOB(70000)", Column("c", "mediumblob")),  # the smallest BLOB type that holds M bytes
        ("TEXT(50)", Column("c", "tinytext")),  # 50 utf8mb4 characters: 200 bytes, TINYTEXT holds 255
        ("TEXT(100)", Column("c", "text")),  # 400 bytes
        ("BINARY(16)", Column("c", "binary", length=16)),
        ("BIT", Column("c", "bit", length=1)),
        ("DATETIME(3)", Column("c", "datetime", precision=3)),
        (
            "TIMESTAMP(6) NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)",
            Column("c", "timestamp", precision=6),
        ),
        ("YEAR(4)", Column("c", "year")),
        ("GEOMETRY NOT NULL", Column("c", "geometry", nullable=False)),
        ("POINT SRID 4326", Column("c", "point")),
        ("DOUBLE DEFAULT -1 COMMENT 'x' INVISIBLE", Column("c", "double")),
    ],
)
def test_column_types_as_mysql_stores_them(written: str, stored: Column) -> None:
    assert table(f"CREATE TABLE t (c {written})").columns == (stored,)


# --- indexes ------------------------------------------------------------------------------------


def test_plain_fulltext_and_spatial_indexes() -> None:
    t = table(
        "CREATE TABLE t (id INT, title VARCHAR(255), body TEXT, g GEOMETRY NOT NULL, PRIMARY KEY (id),"
        " INDEX `x` (`title` ASC), KEY (body(10), title), FULLTEXT KEY ft (title, body), SPATIAL INDEX (g))"
    )
    assert t.indexes == (
        Index("x", ("title",)),
        Index("body", ("body", "title")),  # an unnamed index is named after its first column
        Index("ft", ("title", "body"), IndexKind.FULLTEXT),
        Index("g", ("g",), IndexKind.SPATIAL),
    )


def test_create_index_create_unique_index_and_drop_index() -> None:
    t = table(
        "CREATE TABLE t (a INT, b INT, c INT);"
        "create index i_ab on t(a, b);"
        "CREATE UNIQUE INDEX u_c USING BTREE ON t (c);"
        "CREATE FULLTEXT INDEX f ON t (a);"
        "DROP INDEX f ON t;"
    )
    assert (t.indexes, t.unique_keys) == ((Index("i_ab", ("a", "b")),), (("c",),))


# --- ALTER TABLE ---------------------------------------------------------------------------------


def test_alter_table_adds_keys_and_foreign_keys() -> None:
    t = table(
        "CREATE TABLE t (ID_ VARCHAR(64), PROC_ VARCHAR(64), NAME_ VARCHAR(64));"
        "alter table t\n  add constraint ACT_FK foreign key (PROC_)\n  references p (ID_);"
        "ALTER TABLE t ADD PRIMARY KEY (ID_), ADD CONSTRAINT uq UNIQUE (NAME_), ADD INDEX i (NAME_, PROC_);"
    )
    assert t.primary_key == ("ID_",)
    assert t.foreign_keys == (ForeignKey(("PROC_",), "p", ("ID_",)),)
    assert t.unique_keys == (("NAME_",),)
    assert t.indexes == (Index("ACT_FK", ("PROC_",)), Index("i", ("NAME_", "PROC_")))


def test_alter_table_columns_add_after_first_drop_modify_change() -> None:
    t = table(
        "CREATE TABLE `category` (`id` BINARY(16) NOT NULL, `media_id` BINARY(16), `old` INT, PRIMARY KEY (`id`));"
        "ALTER TABLE `category`\n"
        "ADD COLUMN `cms_page_id` BINARY(16) NULL AFTER `media_id`,\n"
        "ADD COLUMN `pos` INT FIRST,\n"
        "ADD `slot_config` JSON,\n"
        "DROP COLUMN `old`;"
        "ALTER TABLE category MODIFY pos BIGINT NOT NULL, CHANGE COLUMN media_id media VARBINARY(32) AFTER slot_config;",
        "category",
    )
    assert t.columns == (
        Column("pos", "bigint", nullable=False),
        Column("id", "binary", nullable=False, length=16),
        Column("cms_page_id", "binary", length=16),
        Column("slot_config", "json"),
        Column("media", "varbinary", length=32),
    )


def test_alter_table_drop_foreign_key_keeps_its_index_and_drop_column_leaves_the_keys() -> None:
    t = table(
        "CREATE TABLE sc (id INT PRIMARY KEY, nav_id INT, nav_version_id INT, KEY nav (nav_id, nav_version_id),"
        " CONSTRAINT `fk.sc.nav` FOREIGN KEY (nav_id, nav_version_id) REFERENCES c (id, version_id));"
        "ALTER TABLE sc DROP FOREIGN KEY `fk.sc.nav`;"
        "ALTER TABLE sc DROP COLUMN nav_version_id;",
        "sc",
    )
    assert t.foreign_keys == ()
    assert t.indexes == (Index("nav", ("nav_id",)),)  # dropping a column removes it from the indexes


def test_alter_table_options_and_partitioning_change_nothing() -> None:
    t = table(
        "CREATE TABLE t (id INT NOT NULL, from_date DATE NOT NULL, PRIMARY KEY (id, from_date))"
        " ENGINE=MyISAM DEFAULT CHARSET=utf8 COLLATE utf8_bin;"
        "ALTER TABLE t engine=InnoDB;"
        "ALTER TABLE t partition by range COLUMNS (from_date) (partition p01 values less than ('1985-12-31'),"
        " partition p02 values less than (MAXVALUE));"
    )
    assert [c.name for c in t.columns] == ["id", "from_date"] and t.primary_key == ("id", "from_date")


def test_create_table_with_partitions_and_table_options() -> None:
    t = table(
        "CREATE TABLE IF NOT EXISTS t (id INT, d DATE) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8 COMMENT='x'"
        " PARTITION BY RANGE (YEAR(d)) (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE)"
    )
    assert [c.name for c in t.columns] == ["id", "d"]


def test_rename_and_drop_table() -> None:
    schema = read(
        "CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (a_id INT, FOREIGN KEY (a_id) REFERENCES a (id));"
        "CREATE TABLE gone (x INT); RENAME TABLE a TO a2; DROP TABLE IF EXISTS gone, never_there;"
    )
    assert sorted(schema.tables) == ["a2", "b"]
    b = schema.tables["b"]
    assert b.foreign_keys == (ForeignKey(("a_id",), "a2", ("id",)),)  # InnoDB follows the rename


# --- names, comments, conditional comments, DELIMITER ----------------------------------------------


def test_schema_qualified_names() -> None:
    schema = read(
        "CREATE TABLE IF NOT EXISTS `northwind`.`orders` (`id` INT(11) NOT NULL, `customer_id` INT(11) NULL,"
        " PRIMARY KEY (`id`), CONSTRAINT `fk_c` FOREIGN KEY (`customer_id`) REFERENCES `northwind`.`customers` (`id`)"
        " ON DELETE NO ACTION ON UPDATE NO ACTION);"
        "ALTER TABLE northwind.orders ADD INDEX i (customer_id);"
        "CREATE VIEW `northwind`.`v` AS SELECT id FROM `northwind`.`orders`;"
    )
    assert list(schema.tables) == ["orders", "v"]
    assert schema.tables["orders"].foreign_keys == (ForeignKey(("customer_id",), "customers", ("id",)),)


def test_comments_hash_dash_dash_and_block() -> None:
    t = table(
        "# a; comment\n"
        "-- another; one\n"
        "CREATE TABLE /*_*/t (\n"
        "  a INT, -- the a; column\n"
        "  # b, FOREIGN KEY (b) REFERENCES x (y),\n"
        "  b INT /* b; */\n"
        ") /*$wgDBTableOptions*/;"
    )
    assert [c.name for c in t.columns] == ["a", "b"] and t.foreign_keys == ()


def test_conditional_comments_run_as_in_mysql_even_inside_a_column_list() -> None:
    """'MySQL Server parses and executes the code within the comment as it would any other SQL statement',
    '/*!50110 KEY_BLOCK_SIZE=1024 */': only by servers from that version, which MySQL 8 is."""
    report = read_ddl_report(
        "/*M!999999\\- enable the sandbox mode */ \n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "CREATE TABLE address (\n"
        "  address_id SMALLINT UNSIGNED NOT NULL,\n"
        "  /*!50705 location GEOMETRY NOT NULL,*/\n"
        "  PRIMARY KEY (address_id),\n"
        "  /*!50705 SPATIAL KEY `idx_location` (location),*/\n"
        "  KEY k (address_id)\n"
        ")/*!50100 ENGINE=InnoDB */;\n"
        "/*!50001 CREATE VIEW `v` AS SELECT 1 AS `x` */;\n"
    )
    address = report.schema.tables["address"]
    assert [c.name for c in address.columns] == ["address_id", "location"]
    assert address.indexes == (Index("idx_location", ("location",), IndexKind.SPATIAL), Index("k", ("address_id",)))
    assert list(report.schema.tables) == ["address", "v"] and report.unread == ()


def test_delimiter_blocks_skip_routines_and_name_them() -> None:
    report = read_ddl_report(
        "CREATE TABLE film (film_id INT PRIMARY KEY);\n"
        "DELIMITER ;;\n"
        "CREATE TRIGGER `ins_film` AFTER INSERT ON `film` FOR EACH ROW BEGIN\n"
        "    INSERT INTO film_text (film_id) VALUES (new.film_id);\n"
        "  END;;\n"
        "DELIMITER //\n"
        "CREATE PROCEDURE rewards_report (IN n TINYINT) proc: BEGIN\n"
        "    CREATE TEMPORARY TABLE tmpCustomer (customer_id SMALLINT UNSIGNED NOT NULL PRIMARY KEY);\n"
        "    DROP TABLE tmpCustomer;\n"
        "END //\n"
        "DELIMITER $$\n"
        "CREATE DEFINER=`root`@`localhost` FUNCTION get_balance(p INT) RETURNS DECIMAL(5,2) DETERMINISTIC\n"
        "BEGIN RETURN 0; END $$\n"
        "DELIMITER ;\n"
        "CREATE TABLE after_them (id INT);\n"
    )
    assert report.skipped_routines == ("ins_film", "rewards_report", "get_balance")
    assert (list(report.schema.tables), report.unread) == (["film", "after_them"], ())


def test_a_routine_body_without_delimiter_leaves_a_tail_that_is_reported() -> None:
    """The ``mysql`` client ends the CREATE TRIGGER at the body's first ``;``; the server then sees ``END``."""
    report = read_ddl_report(
        "CREATE TRIGGER del_film AFTER DELETE ON film FOR EACH ROW BEGIN\n"
        "  DELETE FROM film_text WHERE film_id = old.film_id;\n"
        "END;\n"
    )
    assert report.skipped_routines == ("del_film",)
    assert [(u.line, u.text) for u in report.unread] == [(3, "END")]


def test_a_dump_trigger_inside_its_delimiter_block() -> None:
    report = read_ddl_report(
        "DELIMITER ;;\n"
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `del_film` AFTER DELETE ON `film`\n"
        "FOR EACH ROW BEGIN DELETE FROM film_text WHERE film_id = old.film_id; END */;;\n"
        "DELIMITER ;\n"
    )
    assert (report.skipped_routines, report.unread) == (("del_film",), ())


# --- views ----------------------------------------------------------------------------------------


def test_views_with_options_name_their_columns_and_type_plain_references() -> None:
    schema = read(
        "CREATE TABLE dept_emp (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, from_date DATE NOT NULL);"
        "CREATE TABLE dept (dept_no CHAR(4) NOT NULL, dept_name VARCHAR(40) NOT NULL);"
        "CREATE OR REPLACE VIEW latest AS SELECT emp_no, MAX(from_date) AS from_date FROM dept_emp GROUP BY emp_no;"
        "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW named (e, n) AS"
        " select `d`.`emp_no` AS `emp_no`, x.dept_name from (`dept_emp` `d` left join dept x on x.dept_no = d.dept_no);"
        "CREATE DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW everything AS SELECT * FROM dept WITH CHECK OPTION;"
    )
    assert schema.tables["latest"] == Table(
        "latest", (Column("emp_no", "int", nullable=False), Column("from_date", UNKNOWN_TYPE)), is_view=True
    )
    assert schema.tables["named"].columns == (
        Column("e", "int", nullable=False),
        Column("n", "varchar", length=40),  # the LEFT JOIN side can be NULL
    )
    assert [c.name for c in schema.tables["everything"].columns] == ["dept_no", "dept_name"]


def test_a_mysqldump_view_placeholder_is_replaced_by_the_view() -> None:
    schema = read(
        "DROP TABLE IF EXISTS `v`;\n"
        "/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
        "SET @saved_cs_client     = @@character_set_client;\n"
        "/*!50001 CREATE VIEW `v` AS SELECT\n 1 AS `emp_no`,\n 1 AS `n` */;\n"
        "SET character_set_client = @saved_cs_client;\n"
        "CREATE TABLE `t` (`emp_no` int(11) NOT NULL, `name` varchar(14) DEFAULT NULL)"
        " ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;\n"
        "/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
        "/*!50001 CREATE ALGORITHM=UNDEFINED */\n"
        "/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
        "/*!50001 VIEW `v` AS select `t`.`emp_no` AS `emp_no`,`t`.`name` AS `n` from `t` */;\n"
    )
    assert list(schema.tables) == ["t", "v"]
    assert schema.tables["v"].columns == (Column("emp_no", "int", nullable=False), Column("n", "varchar", length=14))


def test_a_mysql_8_mysqldump() -> None:
    schema = read(
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "/*!50503 SET NAMES utf8mb4 */;\n"
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
        "DROP TABLE IF EXISTS `orders`;\n"
        "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
        "/*!50503 SET character_set_client = utf8mb4 */;\n"
        "CREATE TABLE `orders` (\n"
        "  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `customer_id` int NOT NULL,\n"
        "  `status` enum('new','paid') COLLATE utf8mb4_0900_ai_ci NOT NULL DEFAULT 'new',\n"
        "  `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n"
        "  `doc` json DEFAULT NULL /*!80023 INVISIBLE */,\n"
        "  `ref` binary(16) NOT NULL DEFAULT (uuid_to_bin(uuid())),\n"
        "  PRIMARY KEY (`id`),\n"
        "  UNIQUE KEY `ref` (`ref`),\n"
        "  KEY `fk_customer` (`customer_id`),\n"
        "  CONSTRAINT `fk_customer` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`),\n"
        "  CONSTRAINT `orders_chk_1` CHECK (json_valid(`doc`))\n"
        ") ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci\n"
        "/*!50100 PARTITION BY KEY (id) PARTITIONS 4 */;\n"
        "/*!40101 SET character_set_client = @saved_cs_client */;\n"
    )
    assert schema.tables["orders"] == Table(
        "orders",
        (
            Column("id", "bigint", nullable=False, unsigned=True),
            Column("customer_id", "int", nullable=False),
            Column("status", "enum", nullable=False, values=("new", "paid")),
            Column("created_at", "datetime", nullable=False, precision=3),
            Column("doc", "json"),
            Column("ref", "binary", nullable=False, length=16),
        ),
        ("id",),
        (("ref",),),
        foreign_keys=(ForeignKey(("customer_id",), "customer", ("id",)),),
        indexes=(Index("fk_customer", ("customer_id",)),),
    )


# --- statements passed over, statements reported ----------------------------------------------------


def test_statements_that_change_no_table_are_not_reported() -> None:
    report = read_ddl_report(
        "SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='TRADITIONAL';\n"
        "DROP SCHEMA IF EXISTS sakila; CREATE SCHEMA sakila DEFAULT CHARACTER SET latin1; USE sakila;\n"
        "SELECT 'CREATING DATABASE STRUCTURE' as 'INFO';\n"
        "LOCK TABLES `t` WRITE; INSERT INTO t VALUES (1); UNLOCK TABLES;\n"
        "flush /*!50503 binary */ logs;\n"
        "GRANT SELECT ON sakila.* TO 'dms'@'%';\n"
    )
    assert report == DdlReport(SourceSchema.of("", []))


def test_an_unreadable_statement_is_reported_with_its_line_and_the_rest_is_read() -> None:
    report = read_ddl_report(
        "CREATE TABLE a (id INT);\n"
        "\n"
        "-- a sequence: MariaDB has them, the model does not\n"
        "CREATE SEQUENCE s START WITH 1;\n"
        "CREATE TABLE b (\n"
        "  id INT,\n"
        "  bad FROBNICATE(3),\n"
        "  PRIMARY KEY (id)\n"
        ");\n"
        "ALTER TABLE nowhere ADD COLUMN c INT;\n"
    )
    assert list(report.schema.tables) == ["a", "b"]
    assert report.schema.tables["b"].primary_key == ("id",)
    assert [(u.line, u.text) for u in report.unread] == [
        (4, "CREATE SEQUENCE s START WITH 1"),
        (5, "CREATE TABLE b ( id INT, bad FROBNICATE(3), PRIMARY KEY (id) )"),
        (10, "ALTER TABLE nowhere ADD COLUMN c INT"),
    ]
    assert "'FROBNICATE' is not a MySQL data type" in report.unread[1].reason
    assert report.unread[2].reason == "table nowhere is not created earlier in the DDL"


def test_a_statement_not_read_is_a_warning_naming_its_line_and_the_rest_is_read() -> None:
    text = "CREATE TABLE t (a TEXT);\nALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;"
    (warning,) = unread_warnings(read_ddl_report(text, name="db"))
    assert (warning.severity, warning.code, warning.path) == (Severity.WARNING, "unread-ddl", "line 2")
    assert warning.message.endswith(": ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4")
    assert read_ddl(text, name="db") == SourceSchema.of("db", [Table("t", (Column("a", "text"),))])


def test_a_second_create_of_the_same_name_is_reported_and_the_first_kept() -> None:
    """MySQL: 'Table already exists' unless IF NOT EXISTS (kept quietly) or OR REPLACE (replaced)."""
    report = read_ddl_report(
        "CREATE TABLE t (a INT);\n"
        "CREATE TABLE t (b INT);\n"
        "CREATE TABLE IF NOT EXISTS t (c INT);\n"
        "CREATE VIEW v AS SELECT a FROM t;\n"
        "CREATE OR REPLACE VIEW v AS SELECT a AS x FROM t;\n"
        "CREATE VIEW v AS SELECT a AS y FROM t;\n"
    )
    assert [c.name for c in report.schema.tables["t"].columns] == ["a"]
    assert [c.name for c in report.schema.tables["v"].columns] == ["x"]
    assert [u.line for u in report.unread] == [2, 6]


def test_enum_members_must_be_strings() -> None:
    (unread,) = read_ddl_report("CREATE TABLE t (a ENUM(1, 2))").unread
    assert "ENUM takes its members as quoted strings" in unread.reason


def test_a_trailing_comma_in_a_column_list_is_reported() -> None:
    (unread,) = read_ddl_report("CREATE TABLE t (a INT,)").unread
    assert unread.reason == (
        "the DDL does not parse as MySQL: expected a name, found the end of the statement (in an empty item of the list)"
    )


def test_an_excerpt_is_the_first_80_characters_on_one_line() -> None:
    report = read_ddl_report("CREATE   TABLE t (\n" + ",\n".join(f"c{i} NOPE" for i in range(40)) + ");")
    assert report.unread[0] == UnreadStatement(
        1,
        "CREATE TABLE t ( c0 NOPE, c1 NOPE, c2 NOPE, c3 NOPE, c4 NOPE, c5 NOPE, c6 NOP...",
        "the DDL does not parse as MySQL: 'NOPE' is not a MySQL data type (in c0 NOPE)",
    )


def test_statements_start_on_the_line_of_their_first_word() -> None:
    statements = split_statements("SET a = 1;\n\n/* c */\n  CREATE TABLE t (\n  a INT);SELECT ';' -- x;\n;")
    assert [(s.line, s.text) for s in statements] == [
        (1, "SET a = 1"),
        (4, "CREATE TABLE t (\n  a INT)"),
        (5, "SELECT ';'"),
    ]
