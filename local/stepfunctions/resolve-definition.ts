/**
 * Applies a state machine's `DefinitionSubstitutions` the way CloudFormation does: every `${Key}` in
 * the definition string is replaced by the value of `Key`, as plain text. An unknown key is an error
 * rather than a silently broken definition.
 */
export function resolveDefinition(definitionString: string, substitutions: Record<string, string>): string {
  return definitionString.replace(/\$\{([^}]+)\}/g, (placeholder, key: string) => {
    const value = substitutions[key];
    if (value === undefined) {
      throw new Error(
        `the state machine definition uses ${placeholder}, which DefinitionSubstitutions lacks`,
      );
    }
    return value;
  });
}
