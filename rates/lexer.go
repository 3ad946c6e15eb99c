package rates

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
)

// maxDepth bounds nesting in skipped values: the bracket stack costs one
// bit per level, and no real file nests more than a dozen deep.
const maxDepth = 1 << 16

// source gives the lexer its chunks of uncompressed JSON.
type source interface {
	next() chunk
	recycle([]byte)
}

// SyntaxError is a malformed, truncated or unreadable input: the file, the
// byte offset in the uncompressed JSON, the JSON path of the value being
// read, and what was expected. It unwraps to a ketacover.EINVALID error.
type SyntaxError struct {
	Source string // file path or URL
	Offset int64  // byte offset in the uncompressed JSON
	Path   string // JSON path, like $.in_network[12].negotiated_rates[0]
	Msg    string // what was wrong
	Err    error  // the underlying read error, if any
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s: byte %d, at %s: %s", e.Source, e.Offset, e.Path, e.Msg)
}

// Unwrap gives the application error (so the CLI reports bad input with
// exit status 2) and the read error behind a truncated stream.
func (e *SyntaxError) Unwrap() []error {
	errs := []error{&ketacover.Error{Code: ketacover.EINVALID, Message: e.Error()}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// pathElem is one step of the JSON path: an object key, or an array index
// when idx >= 0.
type pathElem struct {
	key string
	idx int
}

// lexer reads JSON tokens from a stream of chunks. Byte slices it returns
// alias its buffers and are valid only until its next call.
type lexer struct {
	src  source
	name string // for errors
	buf  []byte
	pos  int
	base int64 // stream offset of buf[0]
	err  error // what ended the stream: io.EOF or a read error
	tok  []byte
	kbuf []byte
	bits []uint64 // bracket stack for skip: 1 = object, 0 = array
	// masks are skipNested's bits for a batch of blocks (classifyBlocks).
	masks [2 * maxBlocks]uint64
	// bs is the next backslash in buf at or after where skipNested
	// stopped, if bsBase is base; bytes.IndexByte finds it once a chunk.
	bs     int
	bsBase int64
	path   []pathElem
	// onChunk is called with the stream offset each time a chunk is done,
	// for progress.
	onChunk func(off int64)
}

func newLexer(name string, src source) *lexer {
	return &lexer{src: src, name: name, bsBase: -1}
}

// fill moves to the next chunk. It returns false at the end of the
// stream, with l.err set.
func (l *lexer) fill() bool {
	if l.err != nil {
		return false
	}
	l.base += int64(len(l.buf))
	if l.onChunk != nil {
		l.onChunk(l.base)
	}
	if l.buf != nil {
		l.src.recycle(l.buf)
	}
	l.buf, l.pos = nil, 0
	c := l.src.next()
	if c.err != nil {
		l.err = c.err
		return false
	}
	l.buf = c.b
	return true
}

func (l *lexer) offset() int64 { return l.base + int64(l.pos) }

// pathString renders the current JSON path.
func (l *lexer) pathString() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, e := range l.path {
		if e.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.idx))
			b.WriteByte(']')
		} else {
			b.WriteByte('.')
			b.WriteString(e.key)
		}
	}
	return b.String()
}

// errorf returns a SyntaxError at the current offset and path.
func (l *lexer) errorf(format string, args ...any) error {
	return &SyntaxError{Source: l.name, Offset: l.offset(), Path: l.pathString(), Msg: fmt.Sprintf(format, args...)}
}

// errorAt returns a SyntaxError at offset off.
func (l *lexer) errorAt(off int64, format string, args ...any) error {
	return &SyntaxError{Source: l.name, Offset: off, Path: l.pathString(), Msg: fmt.Sprintf(format, args...)}
}

// endErr explains why the stream stopped where a value was expected.
func (l *lexer) endErr() error {
	if l.err == nil || errors.Is(l.err, io.EOF) {
		return l.errorf("unexpected end of input (truncated file?)")
	}
	e := l.errorf("read error: %v", l.err).(*SyntaxError)
	e.Err = l.err
	return e
}

func (l *lexer) push(key string) { l.path = append(l.path, pathElem{key: key, idx: -1}) }
func (l *lexer) pushIndex()      { l.path = append(l.path, pathElem{idx: 0}) }
func (l *lexer) setIndex(i int)  { l.path[len(l.path)-1].idx = i }
func (l *lexer) pop()            { l.path = l.path[:len(l.path)-1] }

// peek skips whitespace and returns the next byte without consuming it.
func (l *lexer) peek() (byte, error) {
	for {
		b := l.buf
		for i := l.pos; i < len(b); i++ {
			c := b[i]
			if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				l.pos = i
				return c, nil
			}
		}
		l.pos = len(b)
		if !l.fill() {
			return 0, l.endErr()
		}
	}
}

// expect consumes the byte c after optional whitespace.
func (l *lexer) expect(c byte) error {
	got, err := l.peek()
	if err != nil {
		return err
	}
	if got != c {
		return l.errorf("expected %q, found %s", c, quoteByte(got))
	}
	l.pos++
	return nil
}

func quoteByte(c byte) string {
	if c < ' ' || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

// atEnd reports whether only whitespace is left in the stream.
func (l *lexer) atEnd() (bool, error) {
	_, err := l.peek()
	if err == nil {
		return false, nil
	}
	if errors.Is(l.err, io.EOF) {
		return true, nil
	}
	return false, err
}

// more is the loop test for arrays and objects: after the opening bracket
// (first == true) or a member, it consumes a ',' and reports true, or
// consumes the closing bracket and reports false.
func (l *lexer) more(first bool, closing byte) (bool, error) {
	c, err := l.peek()
	if err != nil {
		return false, err
	}
	if c == closing {
		l.pos++
		return false, nil
	}
	if first {
		return true, nil
	}
	if c != ',' {
		return false, l.errorf("expected ',' or %q, found %s", closing, quoteByte(c))
	}
	l.pos++
	return true, nil
}

// key reads an object key and its colon. The caller has checked more().
func (l *lexer) key() ([]byte, error) {
	c, err := l.peek()
	if err != nil {
		return nil, err
	}
	if c != '"' {
		return nil, l.errorf("expected an object key (a string), found %s", quoteByte(c))
	}
	k, err := l.str()
	if err != nil {
		return nil, err
	}
	// Fast path: the colon right after the key.
	if l.pos < len(l.buf) && l.buf[l.pos] == ':' {
		l.pos++
		return k, nil
	}
	// peek may move to the next chunk and recycle the one k points into.
	l.kbuf = append(l.kbuf[:0], k...)
	if err := l.expect(':'); err != nil {
		return nil, err
	}
	return l.kbuf, nil
}

// str reads a string; the caller has peeked its opening quote.
func (l *lexer) str() ([]byte, error) {
	b := l.buf[l.pos+1:]
	if j := bytes.IndexByte(b, '"'); j >= 0 && bytes.IndexByte(b[:j], '\\') < 0 {
		l.pos += j + 2
		return b[:j], nil
	}
	return l.strSlow()
}

// nextByte returns the next raw byte, moving across chunks.
func (l *lexer) nextByte() (byte, bool) {
	for l.pos >= len(l.buf) {
		if !l.fill() {
			return 0, false
		}
	}
	c := l.buf[l.pos]
	l.pos++
	return c, true
}

// strSlow reads a string that has escapes or crosses a chunk boundary,
// unescaping it into l.tok.
func (l *lexer) strSlow() ([]byte, error) {
	l.pos++ // opening quote
	t := l.tok[:0]
	// hi is a UTF-16 high surrogate waiting for its low half, which may
	// be in the next chunk; anything else after it makes it U+FFFD, as
	// encoding/json does.
	hi := rune(-1)
	flush := func() {
		if hi >= 0 {
			t = utf8.AppendRune(t, utf8.RuneError)
			hi = -1
		}
	}
	for {
		c, ok := l.nextByte()
		if !ok {
			return nil, l.endErr()
		}
		if c != '\\' {
			flush()
			if c == '"' {
				l.tok = t
				return t, nil
			}
			t = append(t, c)
			continue
		}
		e, ok := l.nextByte()
		if !ok {
			return nil, l.endErr()
		}
		if e != 'u' {
			flush()
		}
		switch e {
		case '"', '\\', '/':
			t = append(t, e)
		case 'b':
			t = append(t, '\b')
		case 'f':
			t = append(t, '\f')
		case 'n':
			t = append(t, '\n')
		case 'r':
			t = append(t, '\r')
		case 't':
			t = append(t, '\t')
		case 'u':
			r, err := l.hex4()
			if err != nil {
				return nil, err
			}
			switch {
			case hi >= 0 && r >= 0xDC00 && r <= 0xDFFF:
				t = utf8.AppendRune(t, utf16.DecodeRune(hi, r))
				hi = -1
			case r >= 0xD800 && r <= 0xDBFF:
				flush()
				hi = r
			default:
				flush()
				t = utf8.AppendRune(t, r) // a lone low surrogate becomes U+FFFD
			}
		default:
			return nil, l.errorAt(l.offset()-2, "invalid escape \\%s in string", string(rune(e)))
		}
	}
}

func (l *lexer) hex4() (rune, error) {
	var r rune
	for range 4 {
		c, ok := l.nextByte()
		if !ok {
			return 0, l.endErr()
		}
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			l.pos--
			return 0, l.errorf("invalid \\u escape: %s is not a hex digit", quoteByte(c))
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

// numChar marks the bytes that may appear in a JSON number.
var numChar = [256]bool{'-': true, '+': true, '.': true, 'e': true, 'E': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true}

// num reads a number and returns its text unchanged, so that no precision
// is lost to float64.
func (l *lexer) num() ([]byte, error) {
	start := l.offset()
	b := l.buf
	i := l.pos
	for i < len(b) && numChar[b[i]] {
		i++
	}
	var t []byte
	if i < len(b) {
		t = b[l.pos:i]
		l.pos = i
	} else {
		// The number may go on in the next chunk.
		t = append(l.tok[:0], b[l.pos:]...)
		l.pos = len(b)
		for l.fill() {
			b = l.buf
			i = 0
			for i < len(b) && numChar[b[i]] {
				i++
			}
			t = append(t, b[:i]...)
			l.pos = i
			if i < len(b) {
				break
			}
		}
		l.tok = t
		if l.err != nil && !errors.Is(l.err, io.EOF) {
			return nil, l.endErr()
		}
	}
	if !validNumber(t) {
		return nil, l.errorAt(start, "invalid number %q", truncate(t))
	}
	return t, nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// validNumber checks the JSON number grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func validNumber(t []byte) bool {
	i := 0
	if i < len(t) && t[i] == '-' {
		i++
	}
	switch {
	case i < len(t) && t[i] == '0':
		i++
	case i < len(t) && t[i] >= '1' && t[i] <= '9':
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(t) && t[i] == '.' {
		i++
		j := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		j := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(t)
}

var literals = map[byte][]byte{'t': []byte("true"), 'f': []byte("false"), 'n': []byte("null")}

// lit reads true, false or null.
func (l *lexer) lit() ([]byte, error) {
	c, err := l.peek()
	if err != nil {
		return nil, err
	}
	var want string
	switch c {
	case 't':
		want = "true"
	case 'f':
		want = "false"
	case 'n':
		want = "null"
	default:
		return nil, l.errorf("expected a value, found %s", quoteByte(c))
	}
	start := l.offset()
	for i := range len(want) {
		got, ok := l.nextByte()
		if !ok {
			return nil, l.endErr()
		}
		if got != want[i] {
			l.pos--
			return nil, &SyntaxError{Source: l.name, Offset: start, Path: l.pathString(), Msg: "invalid literal, expected " + want}
		}
	}
	return literals[c], nil
}

// scalar reads a string, number or literal and returns its text (strings
// unquoted and unescaped). isStr tells strings from the others.
func (l *lexer) scalar() (text []byte, isStr bool, err error) {
	c, err := l.peek()
	if err != nil {
		return nil, false, err
	}
	switch {
	case c == '"':
		t, err := l.str()
		return t, true, err
	case c == '-' || (c >= '0' && c <= '9'):
		t, err := l.num()
		return t, false, err
	case c == '{' || c == '[':
		return nil, false, l.errorf("expected a string or number, found %s", quoteByte(c))
	default:
		t, err := l.lit()
		return t, false, err
	}
}
