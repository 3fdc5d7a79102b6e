/**
 * Builds DynamoDB update expressions with every attribute name aliased, so no
 * attribute (`name`, `location`, ...) ever trips over DynamoDB's reserved words.
 */

export interface UpdateExpression {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};

  private name(attribute: string): string {
    const alias = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[alias] = attribute;
    return alias;
  }

  private value(value: unknown): string {
    const alias = `:v${Object.keys(this.values).length}`;
    this.values[alias] = value;
    return alias;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** Sets the attribute only when the item does not have it yet. */
  setIfAbsent(attribute: string, value: unknown): this {
    const alias = this.name(attribute);
    this.sets.push(`${alias} = if_not_exists(${alias}, ${this.value(value)})`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  build(): UpdateExpression {
    const clauses: string[] = [];
    if (this.sets.length > 0) clauses.push(`SET ${this.sets.join(', ')}`);
    if (this.removes.length > 0) clauses.push(`REMOVE ${this.removes.join(', ')}`);
    const expression: UpdateExpression = {
      UpdateExpression: clauses.join(' '),
      ExpressionAttributeNames: this.names,
    };
    if (Object.keys(this.values).length > 0) {
      expression.ExpressionAttributeValues = this.values;
    }
    return expression;
  }
}
