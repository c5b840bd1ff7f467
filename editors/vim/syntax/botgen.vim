" Vim syntax file for botgen .bot files.
" Language: botgen (https://github.com/botgen-dev/botgen)

if exists("b:current_syntax")
  finish
endif

syn keyword botgenTodo contained TODO FIXME XXX NOTE
syn match botgenComment "#.*$" contains=botgenTodo,@Spell
syn match botgenComment "//.*$" contains=botgenTodo,@Spell

" Declarations and their names.
syn keyword botgenDeclare bot config var setting entity intent param global initial state fallback test knowledge nextgroup=botgenName skipwhite
syn match botgenName "\h\w*" contained

" Statements and transitions.
syn keyword botgenStatement reply set if else on when otherwise back user fuzzy for in error mock returns fails with tools
syn keyword botgenReplyKind markdown html options one of table chart plotly image file audio location columns row title x y bar line pie text reset llm answer

" Where a transition leads: a state.
syn match botgenArrow "->" nextgroup=botgenTarget skipwhite
syn match botgenTarget "\h\w*" contained
syn match botgenGo "\<go\>" nextgroup=botgenTarget skipwhite

syn keyword botgenBoolean true false
syn keyword botgenLogic and or not
syn match botgenNumber "\<\d\+\(\.\d\+\)\=\([eE][+-]\=\d\+\)\=\>"
syn match botgenOperator "==\|!=\|<=\|>=\|[<>+*%~]"
syn match botgenRegex "=\s*\zs/\([^/\\]\|\\.\)\+/"

" Strings, with {expression} interpolations; {{ and }} are literal braces.
syn match botgenEscape contained "\\[\\\"nt{}]"
syn match botgenBraces contained "{{\|}}"
syn region botgenInterp contained matchgroup=botgenInterpDelim start="{\ze[^{]" end="}" contains=botgenNumber,botgenOperator,botgenBoolean,botgenLogic
syn region botgenString start=+"""+ end=+"""+ contains=botgenBraces,botgenInterp,@Spell
syn region botgenString start=+"\(""\)\@!+ skip=+\\.+ end=+"+ end=+$+ oneline contains=botgenEscape,botgenBraces,botgenInterp,@Spell

hi def link botgenTodo Todo
hi def link botgenComment Comment
hi def link botgenDeclare Keyword
hi def link botgenName Function
hi def link botgenStatement Statement
hi def link botgenGo Statement
hi def link botgenReplyKind Type
hi def link botgenArrow Operator
hi def link botgenTarget Identifier
hi def link botgenBoolean Boolean
hi def link botgenLogic Operator
hi def link botgenNumber Number
hi def link botgenOperator Operator
hi def link botgenRegex String
hi def link botgenEscape SpecialChar
hi def link botgenBraces SpecialChar
hi def link botgenInterpDelim Delimiter
hi def link botgenString String

let b:current_syntax = "botgen"
