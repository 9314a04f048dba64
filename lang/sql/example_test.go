package sql_test

import (
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/sql"
)

func ExampleTranslate() {
	f := lang.Analyze(`EventType == 'process' AND FileName == '*powershell*' AND FileSize > 1000`, lang.Config{})
	q, err := sql.Translate(f, sql.Layout{Dialect: sql.ClickHouse}, sql.QueryOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.SQL)
	fmt.Println(q.Args...)
	inline, _ := q.Inline()
	fmt.Println(inline)
	// Output:
	// (has(s_EventType, ?) AND arrayExists(x -> position(x, ?) > 0, s_FileName) AND arrayExists((n, a) -> (n > ? OR n = ? AND a > 0), n_FileSize, a_FileSize))
	// process powershell 1000 1000
	// (has(s_EventType, 'process') AND arrayExists(x -> position(x, 'powershell') > 0, s_FileName) AND arrayExists((n, a) -> (n > 1000 OR n = 1000 AND a > 0), n_FileSize, a_FileSize))
}

func ExampleLayout_Count() {
	f := lang.Analyze(`UserName == 'CORP\\*'`, lang.Config{})
	q, err := sql.Layout{Dialect: sql.Postgres, Table: "events"}.Count(f, sql.QueryOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.SQL)
	fmt.Printf("%q\n", q.Args)
	// Output:
	// SELECT count(*) FROM "events" WHERE coalesce(cardinality(s_UserName) > 0 AND s_UserName[1] LIKE $1 ESCAPE '\' OR cardinality(s_UserName) > 1 AND EXISTS (SELECT 1 FROM unnest(s_UserName) AS u(x) WHERE x LIKE $2 ESCAPE '\'), FALSE)
	// ["CORP\\\\%" "CORP\\\\%"]
}

func ExampleLayout_Present() {
	for _, d := range []sql.Dialect{sql.ClickHouse, sql.Postgres} {
		q := sql.Layout{Dialect: d}.Present([]string{"5f1c", "a07e"}, 100, 200)
		inline, _ := q.Inline()
		fmt.Println(inline)
	}
	// Output:
	// SELECT id FROM `events` WHERE ts >= 100 AND ts <= 200 AND id IN (SELECT arrayJoin(['5f1c', 'a07e']))
	// SELECT id FROM "events" WHERE ts >= 100 AND ts <= 200 AND id = ANY(ARRAY['5f1c', 'a07e'])
}

func ExampleLayout_CountAll() {
	fmt.Println(sql.Layout{Dialect: sql.ClickHouse}.CountAll().SQL)
	fmt.Println(sql.Layout{Dialect: sql.Postgres}.CountAll().SQL)
	// Output:
	// SELECT uniqExact(id) FROM `events`
	// SELECT count(*) FROM "events"
}

func ExampleLayout_InsertFrom() {
	s := sql.Layout{Dialect: sql.Postgres}.InsertFrom("kf_load")
	fmt.Println(s[:58], "...", s[len(s)-57:])
	// Output:
	// INSERT INTO "events" (id, ts, raw, s_hostname, s_hostip, s ... g_b, f_path, f_s FROM kf_load ON CONFLICT (id) DO NOTHING
}
