" Vim syntax file
" Language:    KATA event filter (katafilter), *.kfl
" Maintainer:  The katafilter authors
" URL:         https://github.com/katafilter/katafilter
"
" Mirrors grammar/katafilter.tmLanguage.json: one filter per line, a line
" starting with white space continues the filter above it, a line whose first
" character is '#' is a comment.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=50

" A word edge that also counts '.' as a word character, so that keywords in a
" dotted field name (Ioa.Not, True.Value) stay part of the name.
" \%([[:alnum:]_.]\)\@<!  not preceded by a name character
" \%([[:alnum:]_.]\)\@!   not followed by one

" Anything that is no token of the language (defined first: later, longer
" items win at the same position).
syn match katafilterError /\S/
syn match katafilterBadOperator /&&\|||\|=\|!/
syn match katafilterBadString /"\%(\\.\|[^"\\]\)*"\=/

syn match katafilterParen /[()]/
syn match katafilterComma /,/
syn match katafilterComparison /==\|!=\|>=\|<=\|>\|</

syn match katafilterField /\%([[:alnum:]_.]\)\@<![A-Za-z_][A-Za-z0-9_]*\%(\.[A-Za-z0-9_]*\)*/ contains=katafilterDot
syn match katafilterDot /\./ contained

syn match katafilterNumber /\%([[:alnum:]_.-]\)\@<!-\=\d\+\%([[:alnum:]_.]\)\@!/
syn match katafilterBoolean /\c\%([[:alnum:]_.]\)\@<!\%(true\|false\)\%([[:alnum:]_.]\)\@!/
syn match katafilterLogical /\c\%([[:alnum:]_.]\)\@<!\%(and\|or\|not\)\%([[:alnum:]_.]\)\@!/
syn match katafilterIn /\c\%([[:alnum:]_.]\)\@<!in\%([[:alnum:]_.]\)\@!/
" The call form in(Field, v1, ...): 'in' at the start of a filter or after
" '(', ',', AND, OR or NOT, followed by '('.
syn match katafilterInCall /\c\%(\%(^\|[(,]\|\<\%(and\|or\|not\)\)\s*\)\@<=in\ze\s*(/

" Strings: '*' and '?' are wildcards, the escapes are \\ \' \* \?; any other
" backslash is an error. A string may run onto continuation lines; an
" unterminated one stops at the next filter (a line that is blank or does not
" start with white space).
syn region katafilterString matchgroup=katafilterQuote start=/'/ skip=/\\\\\|\\'/ end=/'\|^\ze\%(\S\|\s*$\)/ contains=katafilterEscape,katafilterBadEscape,katafilterWildcard
syn match katafilterWildcard /[*?]/ contained
syn match katafilterBadEscape /\\\%([^\\'*?]\|$\)/ contained
syn match katafilterEscape /\\[\\'*?]/ contained

syn keyword katafilterTodo TODO FIXME XXX NOTE contained
syn match katafilterComment /^#.*$/ contains=katafilterTodo,@Spell

hi def link katafilterComment    Comment
hi def link katafilterTodo       Todo
hi def link katafilterLogical    Keyword
hi def link katafilterIn         Keyword
hi def link katafilterInCall     Function
hi def link katafilterComparison Operator
hi def link katafilterField      Identifier
hi def link katafilterDot        Delimiter
hi def link katafilterNumber     Number
hi def link katafilterBoolean    Boolean
hi def link katafilterString     String
hi def link katafilterQuote      String
hi def link katafilterWildcard   Special
hi def link katafilterEscape     SpecialChar
hi def link katafilterBadEscape  Error
hi def link katafilterBadOperator Error
hi def link katafilterBadString  Error
hi def link katafilterError      Error
hi def link katafilterParen      Delimiter
hi def link katafilterComma      Delimiter

let b:current_syntax = 'katafilter'

let &cpo = s:cpo_save
unlet s:cpo_save
