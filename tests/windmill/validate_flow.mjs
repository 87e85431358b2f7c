// Print windmill-yaml-validator's errors for each flow file.
import { readFileSync } from "node:fs";
import { WindmillYamlValidator } from "windmill-yaml-validator";

const validator = new WindmillYamlValidator();
const errors = {};
for (const file of process.argv.slice(2)) {
  errors[file] = validator.validate(readFileSync(file, "utf8"), { type: "flow" }).errors;
}
console.log(JSON.stringify(errors));
