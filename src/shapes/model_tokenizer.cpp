#include "creditgate/shapes/model_tokenizer.hpp"

#include "creditgate/tokenize/shared_encodings.hpp"

namespace creditgate {

const BpeEncoding* model_tokenizer(const ModelConfig& model) {
    return model.tokenizer ? shared_encoding(*model.tokenizer) : nullptr;
}

}  // namespace creditgate
