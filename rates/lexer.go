package rates

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
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
	path []pathElem
	// onChunk is called with the stream offset each time a chunk is done,
	// for progress.
	onChunk func(off int64)
}

func newLexer(name string, src source) *lexer {
	return &lexer{src: src, name: name}
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

// strStop marks the bytes that end a run of plain string bytes.
var strStop = [256]bool{'"': true, '\\': true}

// skipClass marks the bytes that matter when skipping: quotes and brackets.
var skipClass = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// Word-at-a-time tests ("SWAR"): eight bytes in a uint64, little-endian.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroBytes flags, by its high bit, the first zero byte of x (bytes after
// it may be flagged wrongly, by the borrow: callers use only the lowest
// flag).
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// strWord flags the first '"' or '\\' in x: where a run of plain string
// bytes ends.
func strWord(x uint64) uint64 {
	return zeroBytes(x^('"'*ones)) | zeroBytes(x^('\\'*ones))
}

// skip skips one value of any size without decoding it. Inside skipped
// objects and arrays only strings and bracket balance are checked: that is
// what lets it run at memory speed on the codes nobody asked for.
func (l *lexer) skip() error {
	c, err := l.peek()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		return l.skipStr()
	case c == '{' || c == '[':
		return l.skipNested()
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := l.num()
		return err
	default:
		_, err := l.lit()
		return err
	}
}

// skipStr skips a string whose opening quote is at l.pos.
func (l *lexer) skipStr() error {
	b := l.buf
	if j := bytes.IndexByte(b[l.pos+1:], '"'); j >= 0 && b[l.pos+j] != '\\' {
		l.pos += j + 2
		return nil
	}
	return l.skipStrSlow()
}

// skipStrSlow skips a string across chunks or with an escaped quote.
func (l *lexer) skipStrSlow() error {
	l.pos++
	for {
		b := l.buf
		i := l.pos
		for i < len(b) {
			j := bytes.IndexAny(b[i:], "\"\\")
			if j < 0 {
				i = len(b)
				break
			}
			i += j
			if b[i] == '"' {
				l.pos = i + 1
				return nil
			}
			// A backslash: skip it and the escaped byte, which may be in
			// the next chunk.
			i += 2
		}
		over := i - len(b) // 1 when the escaped byte is in the next chunk
		l.pos = len(b)
		if !l.fill() {
			return l.endErr()
		}
		l.pos = over
	}
}

// skipNested skips an object or array whose opening bracket is at l.pos.
func (l *lexer) skipNested() error {
	depth := 0
	kinds := l.bits[:0] // a bit per level: 1 for an object
	defer func() { l.bits = kinds }()
	for {
		b := l.buf
		i := l.pos
		for i < len(b) {
			c := b[i]
			if !skipClass[c] {
				i++
				continue
			}
			switch c {
			case '"':
				// Most strings here are short keys and codes: eight bytes
				// at a time beat a call to IndexByte for them. Past 32
				// bytes the vectorized IndexByte takes over.
				j := i + 1
				for end := min(j+32, len(b)-8); j <= end; j += 8 {
					if m := strWord(binary.LittleEndian.Uint64(b[j:])); m != 0 {
						j += bits.TrailingZeros64(m) >> 3
						goto stop
					}
				}
				for end := min(j+8, len(b)); j < end; j++ {
					if strStop[b[j]] {
						break
					}
				}
			stop:
				if j < len(b) && b[j] == '"' {
					i = j + 1
					continue
				}
				if j < len(b) && b[j] != '\\' {
					k := bytes.IndexByte(b[j:], '"')
					if k >= 0 && b[j+k-1] != '\\' {
						i = j + k + 1
						continue
					}
				}
				l.pos = i
				if err := l.skipStrSlow(); err != nil {
					return err
				}
				b = l.buf
				i = l.pos
			case '{', '[':
				if depth%64 == 0 {
					if depth >= maxDepth {
						l.pos = i
						return l.errorf("nesting deeper than %d levels", maxDepth)
					}
					kinds = append(kinds, 0)
				}
				w := &kinds[depth/64]
				if c == '{' {
					*w |= 1 << (depth % 64)
				} else {
					*w &^= 1 << (depth % 64)
				}
				depth++
				i++
			default: // '}' or ']'
				if depth == 0 {
					l.pos = i
					return l.errorf("unexpected %q", c)
				}
				depth--
				isObj := kinds[depth/64]>>(depth%64)&1 == 1
				if isObj != (c == '}') {
					l.pos = i
					if isObj {
						return l.errorf("expected '}' to close an object, found ']'")
					}
					return l.errorf("expected ']' to close an array, found '}'")
				}
				if depth%64 == 0 {
					kinds = kinds[:depth/64]
				}
				i++
				if depth == 0 {
					l.pos = i
					return nil
				}
			}
		}
		l.pos = len(b)
		if !l.fill() {
			return l.endErr()
		}
	}
}
