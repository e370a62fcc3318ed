package io.mongonats.connector.source;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResumeTokensTest {

    @Test
    void roundTripsTheDataString() {
        String data = "8263F1A2B3000000012B022C0100296E5A1004";
        assertEquals(data, ResumeTokens.data(ResumeTokens.fromData(data)));
    }

    @Test
    void refusesTokensWithoutStringData() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.data(BsonDocument.parse("{\"_data\": {\"$binary\": {\"base64\": \"AA==\", \"subType\": \"00\"}}}")));
        assertEquals(true, error.getMessage().contains("MongoDB 4.2"));
        assertThrows(IllegalArgumentException.class, () -> ResumeTokens.fromData(" "));
    }
}
