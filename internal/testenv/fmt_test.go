package testenv

import "fmt"

func sprint(a ...any) string            { return fmt.Sprint(a...) }
func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
