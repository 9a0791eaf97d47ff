import PlantConfig
import Testing

/// Block maps and lists, nesting, positions, and structural errors.
@Suite struct ReaderStructureTests {
    @Test func nestedMapsAndComments() throws {
        let text = """
            # full-line comment
            hub:
              url: x      # trailing
                # indented comment lines are ignored wherever they are
              limits:
                max: 5

            plant: P1
            """
        #expect(
            render(try readRoot(text))
                == #"{hub@2:1={url@3:3=p"x"@3:8, limits@5:3={max@6:5=p"5"@6:10}@6:5}@3:3, plant@8:1=p"P1"@8:8}@2:1"#)
    }

    @Test func listsOfScalarsAndOfMaps() throws {
        let text = """
            inputs:
              - name: a
                type: t
              -   name: b
                  port: 1
              - plain
              -
              - - x
                - y
            """
        let expected =
            #"{inputs@1:1=[{name@2:5=p"a"@2:11, type@3:5=p"t"@3:11}@2:5, "#
            + #"{name@4:7=p"b"@4:13, port@5:7=p"1"@5:13}@4:7, "#
            + #"p"plain"@6:5, empty@7:3, [p"x"@8:7, p"y"@9:7]@8:5]@2:3}@1:1"#
        #expect(render(try readRoot(text)) == expected)
    }

    @Test func listAtTheIndentationOfItsKey() throws {
        let text = """
            inputs:
            - name: a
              tags:
              - x
              - y
              type: t
            - name: b
            plant: P1
            """
        let expected =
            #"{inputs@1:1=[{name@2:3=p"a"@2:9, tags@3:3=[p"x"@4:5, p"y"@5:5]@4:3, type@6:3=p"t"@6:9}@2:3, "#
            + #"{name@7:3=p"b"@7:9}@7:3]@2:1, plant@8:1=p"P1"@8:8}@1:1"#
        #expect(render(try readRoot(text)) == expected)
    }

    @Test func itemWithNestedBlockUnderAnEmptyKey() throws {
        let text = """
            - name:
                first: a
              last: b
            """
        #expect(
            render(try readRoot(text)) == #"[{name@1:3={first@2:5=p"a"@2:12}@2:5, last@3:3=p"b"@3:9}@1:3]@1:1"#)
    }

    @Test func emptyDocumentIsAnEmptyMap() throws {
        #expect(render(try readRoot("")) == "{}@1:1")
        #expect(render(try readRoot("# only comments\n\n   \n")) == "{}@1:1")
    }

    @Test(arguments: [
        ("a: 1\n\tb: 2\n", "test.yaml:2:1: tab character in indentation; indent with spaces"),
        ("a:\n  \tb: 2\n", "test.yaml:2:3: tab character in indentation; indent with spaces"),
        ("a: 1\n  b: 2\n  c: 3\n", "test.yaml:2:3: bad indentation: expected 0 spaces, found 2"),
        ("a:\n    b: 1\n  c: 2\n", "test.yaml:3:3: bad indentation: expected 0 or 4 spaces, found 2"),
        ("a:\n  - x\n   - y\n", "test.yaml:3:4: a: bad indentation: expected 2 spaces, found 3"),
        ("l:\n  - k: 1\n     j: 2\n", "test.yaml:3:6: l[0]: bad indentation: expected 4 spaces, found 5"),
        ("l:\n  - k: 1\n   j: 2\n", "test.yaml:3:4: l: bad indentation: expected 2 or 4 spaces, found 3"),
        ("  a: 1\n", "test.yaml:1:3: bad indentation: expected 0 spaces, found 2"),
        ("a: 1\na: 2\n", #"test.yaml:2:1: a: duplicate key "a"; first defined on line 1"#),
        ("h:\n  x: 1\n  y: 2\n  x: 3\n", #"test.yaml:4:3: h.x: duplicate key "x"; first defined on line 2"#),
        ("a: 1\nb c\n", #"test.yaml:2:1: expected a key followed by ":", found "b c""#),
        (
            "a: 1\n- b\n",
            #"test.yaml:2:1: expected "key: value", found a list item; a list must follow its key on the next lines"#
        ),
        ("l:\n  - a\n  b\n", #"test.yaml:3:3: l: expected a list item "- …", found "b""#),
        (
            "k:\n  value on its own line\n",
            #"test.yaml:2:3: k: expected a key followed by ":", found "value on its own line""#
        ),
        (
            "---\na: 1\n",
            "test.yaml:1:1: document markers (---) are not supported; a configuration file holds one document"
        ),
        (
            "a: 1\n...\n",
            "test.yaml:2:1: document end markers (...) are not supported; a configuration file holds one document"
        ),
        ("%YAML 1.2\na: 1\n", "test.yaml:1:1: directives (%) are not supported"),
        ("a: &x 1\n", "test.yaml:1:4: a: anchors (&) are not supported; repeat the value instead"),
        ("a: *x\n", "test.yaml:1:4: a: aliases (*) are not supported; repeat the value instead"),
        ("a: !!int 1\n", #"test.yaml:1:4: a: tags (!) are not supported; quote the value if "!" is part of it"#),
        ("&x a: 1\n", "test.yaml:1:1: anchors (&) are not supported; repeat the value instead"),
        (
            "a: |\n  text\n",
            #"test.yaml:1:4: a: block scalars (| and >) are not supported; use a double-quoted string with \n escapes"#
        ),
        (
            "a: >-\n  text\n",
            #"test.yaml:1:4: a: block scalars (| and >) are not supported; use a double-quoted string with \n escapes"#
        ),
        ("a: x: y\n", #"test.yaml:1:5: a: unexpected ": " inside a plain value; quote the value"#),
        (
            "a: \"multi\n  line\"\nb: 1\n",
            #"test.yaml:1:4: a: unterminated double-quoted string; close it with " on the same line"#
        ),
        (
            "a: b\u{7}c\n",
            "test.yaml:1:5: control character U+0007 is not allowed; write it as an escape in a double-quoted string"
        ),
        (
            "a: 1\rb: 2\n",
            "test.yaml:1:5: control character U+000D is not allowed; write it as an escape in a double-quoted string"
        ),
    ])
    func malformedStructure(text: String, expected: String) {
        #expect(readErrors(text) == expected)
    }

    @Test func everySyntaxErrorIsReportedInFileOrder() {
        let text = """
            plant: P100
            \tdata_dir: /x
            hub:
              url: &u https://hub
              url: again
            status:
              listen: "127.0.0.1
            retention 7d
            """
        let expected = """
            agent.yaml:2:1: tab character in indentation; indent with spaces
            agent.yaml:4:8: hub.url: anchors (&) are not supported; repeat the value instead
            agent.yaml:5:3: hub.url: duplicate key "url"; first defined on line 4
            agent.yaml:7:11: status.listen: unterminated double-quoted string; close it with " on the same line
            agent.yaml:8:1: expected a key followed by ":", found "retention 7d"
            """
        #expect(readErrors(text, file: "agent.yaml") == expected)
    }
}
