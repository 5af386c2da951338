package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One rule of {@link FunctionSchemas#forGemini} per test; whole tool definitions are in the fixture test. */
class FunctionSchemasTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** JSON with single quotes, for readable schemas. */
  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode clean(String schema) {
    return FunctionSchemas.forGemini(json(schema));
  }

  /** The cleaned schema of property {@code p} in {@code {type: object, properties: {p: <property>}}}. */
  private static JsonNode property(String property) {
    return clean("{'type':'object','properties':{'p':" + property + "}}").path("properties").path("p");
  }

  private static void assertInvalid(String schema, String pointer, String messagePart) {
    assertThatThrownBy(() -> clean(schema)).isInstanceOfSatisfying(FunctionSchemas.Invalid.class, e -> {
      assertThat(e.pointer()).isEqualTo(pointer);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  @Test
  void aSchemaGeminiTakesAsItIsComesBackEqualAndTheInputIsNotChanged() {
    String schema = "{'type':'object','title':'T','description':'d','properties':{'a':{'type':['string','null'],"
        + "'enum':['x','y'],'minLength':1,'maxLength':9,'pattern':'^[a-z]+$','default':'x'},'b':{'type':'array',"
        + "'items':{'type':'integer','minimum':0,'maximum':9,'format':'int32'},'minItems':1,'maxItems':3},"
        + "'c':{'anyOf':[{'type':'string','format':'date-time'},{'type':'null'}]},'d':{'type':'object',"
        + "'properties':{'e':{'type':'boolean'}},'additionalProperties':{'type':'number'},'minProperties':1}},"
        + "'required':['a','b'],'propertyOrdering':['b','a'],'additionalProperties':false}";
    JsonNode input = json(schema);

    assertThat(FunctionSchemas.forGemini(input)).isEqualTo(json(schema));
    assertThat(input).isEqualTo(json(schema));
  }

  @Test
  void metaKeywordsAndKeywordsOutsideGeminisSubsetAreDropped() {
    assertThat(clean("{'$schema':'http://json-schema.org/draft-07/schema#','$id':'urn:x','$comment':'c',"
        + "'$anchor':'a','$defs':{'x':{}},'definitions':{'y':{}},'type':'object','properties':{'p':{'type':'array',"
        + "'items':{'type':'string'},'uniqueItems':true,'contains':{'const':'a'},'examples':[['a']],'x-tag':1,"
        + "'readOnly':true,'deprecated':true,'not':{'type':'null'},'if':{},'then':{},'else':{}},'n':{'type':'number',"
        + "'multipleOf':2}},'patternProperties':{'^x':{}},'propertyNames':{'pattern':'^a'},"
        + "'unevaluatedProperties':false,'dependentRequired':{'p':['n']}}"))
        .isEqualTo(json("{'type':'object','properties':{'p':{'type':'array','items':{'type':'string'}},"
            + "'n':{'type':'number'}}}"));
  }

  @Test
  void aReferenceIsInlinedWithItsSiblingsLaidOver() {
    assertThat(clean("{'type':'object','properties':{'a':{'$ref':'#/$defs/A','description':'mine','default':'x'},"
        + "'b':{'$ref':'#/definitions/B'}},'$defs':{'A':{'type':'string','description':'theirs','enum':['x','y']}},"
        + "'definitions':{'B':{'$ref':'#/$defs/A'}}}"))
        .isEqualTo(json("{'type':'object','properties':{'a':{'type':'string','description':'mine','enum':['x','y'],"
            + "'default':'x'},'b':{'type':'string','description':'theirs','enum':['x','y']}}}"));
  }

  @Test
  void siblingsOfAReferenceAndAllOfPartsMayRequireWhatTheOtherSideDeclares() {
    assertThat(clean("{'type':'object','properties':{'a':{'$ref':'#/$defs/A','required':['x','ghost'],"
        + "'properties':{'y':{'type':'number'}}},'b':{'type':'object','properties':{'x':{'type':'string'}},"
        + "'allOf':[{'required':['x']}]},'c':{'$ref':'#/$defs/L','type':'array'}},"
        + "'$defs':{'A':{'type':'object','properties':{'x':{'type':'string'}},'required':['x']},"
        + "'L':{'type':'array','items':{'type':'integer'}}}}"))
        .isEqualTo(json("{'type':'object','properties':{'a':{'type':'object','properties':{'y':{'type':'number'},"
            + "'x':{'type':'string'}},'required':['x']},'b':{'type':'object','properties':{'x':{'type':'string'}},"
            + "'required':['x']},'c':{'type':'array','items':{'type':'integer'}}}}"));
  }

  @Test
  void anyJsonPointerInsideTheSchemaResolvesWithEscapes() {
    assertThat(clean("{'type':'object','properties':{'p':{'$ref':'#/$defs/a~1b%20c~0d'},'q':{'$ref':'#/properties/p'}},"
        + "'$defs':{'a/b c~d':{'type':'integer'}}}"))
        .isEqualTo(json("{'type':'object','properties':{'p':{'type':'integer'},'q':{'type':'integer'}}}"));
  }

  @Test
  void aRecursiveDefinitionIsCutToItsTypeAndDescriptionAfterTwoLevels() {
    JsonNode cleaned = clean("{'type':'object','properties':{'root':{'$ref':'#/$defs/N'}},'$defs':{'N':{'type':'object',"
        + "'description':'node','properties':{'next':{'$ref':'#/$defs/N'},'tags':{'$ref':'#/$defs/L'}}},"
        + "'L':{'type':'array','description':'list','items':{'$ref':'#/$defs/L'}}}}");

    JsonNode first = cleaned.at("/properties/root");
    JsonNode second = first.at("/properties/next");
    assertThat(second.at("/properties/next")).isEqualTo(json("{'type':'object','description':'node'}"));
    assertThat(first.at("/properties/tags/items/items")).isEqualTo(json("{'type':'array','items':{},"
        + "'description':'list'}"));
  }

  @Test
  void aReferenceToTheWholeSchemaIsCutToo() {
    JsonNode cleaned = clean("{'type':'object','properties':{'self':{'$ref':'#'},'n':{'type':'string'}}}");

    assertThat(cleaned.at("/properties/self/properties/self/properties/self")).isEqualTo(json("{'type':'object'}"));
    assertThat(cleaned.at("/properties/self/properties/n")).isEqualTo(json("{'type':'string'}"));
  }

  @Test
  void referencesThatCannotBeInlinedAreInvalidAtTheirPlace() {
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'#/$defs/Missing'}}}", "/properties/a/$ref",
        "refers to '#/$defs/Missing', which the schema does not define");
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'https://example.com/s.json#/A'}}}",
        "/properties/a/$ref", "outside the schema");
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'other.json'}}}", "/properties/a/$ref",
        "outside the schema");
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'#node'}}}", "/properties/a/$ref", "anchor");
    assertInvalid("{'type':'object','properties':{'a':{'$ref':7}}}", "/properties/a/$ref", "must be a string");
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'#/$defs/%zz'}}}", "/properties/a/$ref",
        "not a valid URI fragment");
  }

  @Test
  void anErrorInsideADefinitionNamesTheDefinitionsPlace() {
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'#/$defs/A'}},'$defs':{'A':{'type':'text'}}}",
        "/$defs/A/type", "'text' is not a JSON Schema type");
  }

  @Test
  void aReferenceExplosionIsRefusedNotExpanded() {
    StringBuilder defs = new StringBuilder("'d0':{'type':'string'}");
    for (int i = 1; i <= 30; i++) {
      defs.append(",'d").append(i).append("':{'type':'object','properties':{'a':{'$ref':'#/$defs/d").append(i - 1)
          .append("'},'b':{'$ref':'#/$defs/d").append(i - 1).append("'}}}");
    }
    assertInvalid("{'type':'object','properties':{'x':{'$ref':'#/$defs/d30'}},'$defs':{" + defs + "}}", "",
        "more than " + FunctionSchemas.MAX_NODES + " nodes");
  }

  @Test
  void aLargeDefaultCountsAgainstTheBudgetEachTimeItIsInlined() {
    String big = "[" + "1,".repeat(2_000) + "1]";
    StringBuilder properties = new StringBuilder("'p0':{'$ref':'#/$defs/D'}");
    for (int i = 1; i < 10; i++) {
      properties.append(",'p").append(i).append("':{'$ref':'#/$defs/D'}");
    }
    assertInvalid("{'type':'object','properties':{" + properties + "},'$defs':{'D':{'type':'array','default':" + big
        + "}}}", "", "too large");
  }

  /**
   * {@code {'type':'object','properties':{p0..p9: {'$ref':'#/$defs/D'}},'$defs':{'D':<d>}}}: the
   * definition is walked once per reference, so what the cleaner reads of it counts each time,
   * dropped or not.
   */
  private static String tenReferencesTo(String definition) {
    StringBuilder properties = new StringBuilder("'p0':{'$ref':'#/$defs/D'}");
    for (int i = 1; i < 10; i++) {
      properties.append(",'p").append(i).append("':{'$ref':'#/$defs/D'}");
    }
    return "{'type':'object','properties':{" + properties + "},'$defs':{'D':" + definition + "}}";
  }

  @Test
  void droppedKeywordsCountAgainstTheBudgetEachTimeTheyAreWalked() {
    StringBuilder definition = new StringBuilder("{'type':'string'");
    for (int i = 0; i < 2_000; i++) {
      definition.append(",'x-").append(i).append("':0");
    }
    assertInvalid(tenReferencesTo(definition + "}"), "", "too large");
  }

  @Test
  void aDroppedEnumCountsAgainstTheBudgetEachTimeItIsWalked() {
    String values = "'a',".repeat(2_000) + "{}";
    assertInvalid(tenReferencesTo("{'type':'string','enum':[" + values + "]}"), "", "too large");
  }

  @Test
  void aTypeListOfRepeatedNamesCountsAgainstTheBudgetEachTimeItIsWalked() {
    String names = "'string',".repeat(2_000) + "'null'";
    assertInvalid(tenReferencesTo("{'type':[" + names + "]}"), "", "too large");
  }

  @Test
  void droppedKeywordsBesideAReferenceCountAgainstTheBudgetEachTimeTheyAreWalked() {
    StringBuilder definition = new StringBuilder("{'$ref':'#/$defs/S','description':'w'");
    for (int i = 0; i < 2_000; i++) {
      definition.append(",'x-").append(i).append("':[1,2,3]");
    }
    assertInvalid(tenReferencesTo(definition + "}").replace("'$defs':{", "'$defs':{'S':{'type':'string'},"), "",
        "too large");
  }

  @Test
  void anOverlongReferenceIsRefusedAtItsPointer() {
    // A long reference is decoded, compiled and looked up each time it is walked, and compared with
    // every definition being expanded; a definition name can be 50,000 characters long.
    String name = "k".repeat(FunctionSchemas.MAX_REF_CHARS);
    assertInvalid("{'type':'object','properties':{'a':{'$ref':'#/$defs/" + name + "'}},'$defs':{'" + name
        + "':{'type':'string'}}}", "/properties/a/$ref", "longer than " + FunctionSchemas.MAX_REF_CHARS);
    String fits = "k".repeat(FunctionSchemas.MAX_REF_CHARS - "#/$defs/".length());
    assertThat(clean("{'type':'object','properties':{'a':{'$ref':'#/$defs/" + fits + "'}},'$defs':{'" + fits
        + "':{'type':'string'}}}").at("/properties/a/type").asText()).isEqualTo("string");
  }

  @Test
  void schemasNestedTooDeeplyAreRefused() {
    String deep = "{'type':'string'}";
    for (int i = 0; i <= FunctionSchemas.MAX_DEPTH; i++) {
      deep = "{'type':'array','items':" + deep + "}";
    }
    String schema = "{'type':'object','properties':{'p':" + deep + "}}";
    assertThatThrownBy(() -> clean(schema)).isInstanceOfSatisfying(FunctionSchemas.Invalid.class,
        e -> assertThat(e.getMessage()).contains("more than " + FunctionSchemas.MAX_DEPTH + " levels"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'const':'a'}                              | {'enum':['a']}",
      "{'type':'integer','const':3}               | {'type':'integer','enum':[3]}",
      "{'const':null}                             | {'type':'null'}",
      "{'const':true}                             | {'type':'boolean'}",
      "{'type':'boolean','const':true}            | {'type':'boolean'}",
      "{'const':{'a':1}}                          | {}",
      "{'const':'a','enum':['a','b']}             | {'enum':['a','b']}",
      "{'type':'string','nullable':true}          | {'type':['string','null']}",
      "{'type':['string','null'],'nullable':true} | {'type':['string','null']}",
      "{'nullable':true}                          | {}",
      "{'type':'string','nullable':false}         | {'type':'string'}",
      "{'type':'string','enum':['a',null]}        | {'type':['string','null'],'enum':['a']}",
      "{'type':'number','enum':[1,2.5]}           | {'type':'number','enum':[1,2.5]}",
      "{'type':'boolean','enum':[true,false]}     | {'type':'boolean'}",
      "{'enum':['a',{'b':1}]}                     | {}",
      "{'enum':[null]}                            | {}",
      "{'enum':'a'}                               | {}",
  })
  void constNullableAndEnumBecomeWhatGeminiReads(String property, String expected) {
    assertThat(property(property)).isEqualTo(json(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'type':'integer','exclusiveMinimum':0}                 | {'type':'integer','minimum':1}",
      "{'type':'integer','exclusiveMaximum':10}                | {'type':'integer','maximum':9}",
      "{'type':'number','exclusiveMinimum':0.5}                | {'type':'number','minimum':0.5}",
      "{'type':'integer','minimum':5,'exclusiveMinimum':0}     | {'type':'integer','minimum':5}",
      "{'type':'integer','maximum':5,'exclusiveMaximum':3}     | {'type':'integer','maximum':2}",
      "{'type':'integer','minimum':0,'exclusiveMinimum':true}  | {'type':'integer','minimum':0}",
      "{'type':'integer','exclusiveMinimum':'1'}               | {'type':'integer'}",
      "{'type':['integer','null'],'exclusiveMinimum':0}        | {'type':['integer','null'],'minimum':0}",
  })
  void exclusiveBoundsBecomeInclusiveOnes(String property, String expected) {
    assertThat(property(property)).isEqualTo(json(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "date-time | true", "date | true", "time | true", "int32 | true", "int64 | true", "float | true",
      "double | true", "uri | false", "email | false", "uuid | false", "hostname | false", "binary | false"})
  void onlyFormatsGeminiKnowsAreKept(String format, boolean kept) {
    assertThat(property("{'type':'string','format':'" + format + "'}").has("format")).isEqualTo(kept);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'minItems':2,'maxItems':0,'minLength':1.0}  | {'minItems':2,'maxItems':0,'minLength':1}",
      "{'minItems':-1,'maxItems':1.5,'maxLength':'3'} | {}",
      "{'minimum':'1','maximum':2,'pattern':3,'title':4,'description':5} | {'maximum':2}",
  })
  void boundsAndTextsOfTheWrongKindAreDropped(String property, String expected) {
    assertThat(property(property)).isEqualTo(json(expected));
  }

  @Test
  void requiredAndPropertyOrderingKeepOnlyDeclaredProperties() {
    assertThat(clean("{'type':'object','properties':{'a':{},'b':false,'c':{'type':'object','required':['x']}},"
        + "'required':['a','b','a','ghost',3],'propertyOrdering':['c','ghost','a']}"))
        .isEqualTo(json("{'type':'object','properties':{'a':{},'c':{'type':'object'}},'required':['a'],"
            + "'propertyOrdering':['c','a']}"));
    assertThat(property("{'type':'object','required':true}")).isEqualTo(json("{'type':'object'}"));
  }

  @Test
  void booleanSchemasBecomeObjectsOrGo() {
    assertThat(clean("{'type':'object','properties':{'any':true,'none':false,'list':{'type':'array','items':false},"
        + "'pair':{'type':'array','prefixItems':[true,false]},'either':{'anyOf':[false,{'type':'string'}]},"
        + "'neither':{'anyOf':[false]},'open':{'type':'object','additionalProperties':true},'closed':{'type':'object',"
        + "'additionalProperties':false},'never':{'type':'object','additionalProperties':{'not':{}}}}}"))
        .isEqualTo(json("{'type':'object','properties':{'any':{},'list':{'type':'array','items':{}},"
            + "'pair':{'type':'array','prefixItems':[{},{}],'items':{}},'either':{'anyOf':[{'type':'string'}]},"
            + "'neither':{},'open':{'type':'object','additionalProperties':true},'closed':{'type':'object',"
            + "'additionalProperties':false},'never':{'type':'object','additionalProperties':{}}}}"));
  }

  @Test
  void oneOfIsReadAsAnyOfAndAllOfIsMerged() {
    assertThat(property("{'oneOf':[{'type':'string'},{'type':'integer'}]}"))
        .isEqualTo(json("{'anyOf':[{'type':'string'},{'type':'integer'}]}"));
    assertThat(property("{'anyOf':[{'type':'string'}],'oneOf':[{'minLength':1}]}"))
        .isEqualTo(json("{'anyOf':[{'type':'string'}],'oneOf':[{'minLength':1}]}"));
    assertThat(clean("{'type':'object','properties':{'p':{'description':'mine','allOf':[{'$ref':'#/$defs/Base'},"
        + "{'type':'object','description':'theirs','properties':{'b':{'type':'integer'},'a':{'type':'number'}},"
        + "'required':['b']}],'required':['a']}},'$defs':{'Base':{'type':'object','properties':{'a':{'type':'string'}}}}}")
        .at("/properties/p"))
        .isEqualTo(json("{'description':'mine','type':'object','properties':{'a':{'type':'string'},"
            + "'b':{'type':'integer'}},'required':['a','b']}"));
  }

  @Test
  void emptyPropertiesGoBelowTheRootAndArraysGetItems() {
    assertThat(clean("{'type':'object','properties':{'o':{'type':'object','properties':{}},"
        + "'l':{'type':['array','null']}}}"))
        .isEqualTo(json("{'type':'object','properties':{'o':{'type':'object'},'l':{'type':['array','null'],"
            + "'items':{}}}}"));
    assertThat(clean("{'type':'object','properties':{}}")).isEqualTo(json("{'type':'object','properties':{}}"));
  }

  @Test
  void tupleItemsBecomePrefixItems() {
    assertThat(property("{'type':'array','items':[{'type':'string'},{'type':'number'}]}"))
        .isEqualTo(json("{'type':'array','prefixItems':[{'type':'string'},{'type':'number'}],'items':{}}"));
    assertThat(property("{'type':'array','prefixItems':[{'type':'string'}],'items':[{'type':'number'}]}"))
        .isEqualTo(json("{'type':'array','prefixItems':[{'type':'string'}],'items':{}}"));
  }

  @Test
  void theRootIsAlwaysAnObjectSchema() {
    assertThat(clean("{}")).isEqualTo(json("{'type':'object'}"));
    assertThat(clean("{'properties':{'a':{'type':'string'}}}"))
        .isEqualTo(json("{'type':'object','properties':{'a':{'type':'string'}}}"));
    assertThat(clean("{'type':['object','null'],'properties':{}}")).isEqualTo(json("{'type':'object','properties':{}}"));
    assertThat(clean("{'$ref':'#/definitions/Args','definitions':{'Args':{'type':'object','properties':{}}}}"))
        .isEqualTo(json("{'type':'object'}"));
    assertInvalid("{'type':'string'}", "/type", "must be an object schema");
    assertInvalid("{'type':['array','null']}", "/type", "must be an object schema");
    assertThatThrownBy(() -> FunctionSchemas.forGemini(json("[]"))).isInstanceOfSatisfying(
        FunctionSchemas.Invalid.class, e -> assertThat(e.pointer()).isEmpty());
    assertThatThrownBy(() -> FunctionSchemas.forGemini(json("true"))).isInstanceOf(FunctionSchemas.Invalid.class);
  }

  @Test
  void valuesOfTheWrongShapeWhereASchemaBelongsAreInvalidAtTheirPlace() {
    assertInvalid("{'type':'object','properties':'a'}", "/properties", "must be an object of property schemas");
    assertInvalid("{'type':'object','properties':{'a':'string'}}", "/properties/a", "must be a JSON Schema");
    assertInvalid("{'type':'object','properties':{'a/b':{'type':'any'}}}", "/properties/a~1b/type",
        "'any' is not a JSON Schema type");
    assertInvalid("{'type':'object','properties':{'a':{'type':['string',1]}}}", "/properties/a/type",
        "is not a JSON Schema type");
    assertInvalid("{'type':'object','properties':{'a':{'type':{}}}}", "/properties/a/type", "type name");
    assertInvalid("{'type':'object','properties':{'a':{'anyOf':{'type':'string'}}}}", "/properties/a/anyOf",
        "must be a list of schemas");
    assertInvalid("{'type':'object','properties':{'a':{'anyOf':[{'type':'string'},3]}}}", "/properties/a/anyOf/1",
        "must be a JSON Schema");
    assertInvalid("{'type':'object','properties':{'a':{'type':'array','items':'string'}}}", "/properties/a/items",
        "must be a JSON Schema");
    assertInvalid("{'type':'object','additionalProperties':'no'}", "/additionalProperties", "must be a JSON Schema");
  }
}
