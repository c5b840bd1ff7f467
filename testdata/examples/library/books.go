package main

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // pure Go: the bot stays one static binary
)

// The library's catalogue, a SQLite database built into the binary.
//
//go:embed books.db
var catalogue []byte

// Book is one title of the library; the bot reads its fields by their JSON
// names.
type Book struct {
	Title  string `json:"title"`
	Author string `json:"author"`
	Year   int    `json:"year"`
	Copies int    `json:"copies"`
}

// library opens the catalogue once, read-only, from a copy in a temporary
// folder (SQLite reads files, not memory).
var library = sync.OnceValues(func() (*sql.DB, error) {
	dir, err := os.MkdirTemp("", "library-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "books.db")
	if err := os.WriteFile(path, catalogue, 0o444); err != nil {
		return nil, err
	}
	return sql.Open("sqlite", "file:"+path+"?mode=ro")
})

// byAuthor lists the books of an author, oldest first.
func byAuthor(ctx context.Context, author string) ([]Book, error) {
	return query(ctx, `select title, author, year, copies from books where author = ? order by year`, author)
}

// newest lists the n most recent books.
func newest(ctx context.Context, n int) ([]Book, error) {
	return query(ctx, `select title, author, year, copies from books order by year desc limit ?`, n)
}

// find returns the book with this title, or an error when the library has
// none.
func find(ctx context.Context, title string) (Book, error) {
	books, err := query(ctx, `select title, author, year, copies from books where lower(title) = lower(?)`, title)
	if err != nil {
		return Book{}, err
	}
	if len(books) == 0 {
		return Book{}, fmt.Errorf("no book titled %q", title)
	}
	return books[0], nil
}

func query(ctx context.Context, q string, args ...any) ([]Book, error) {
	db, err := library()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	books := []Book{}
	for rows.Next() {
		var b Book
		if err := rows.Scan(&b.Title, &b.Author, &b.Year, &b.Copies); err != nil {
			return nil, err
		}
		books = append(books, b)
	}
	return books, rows.Err()
}
